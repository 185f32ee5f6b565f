/**
 * STS stand-in: GetCallerIdentity only, over the AWS Query protocol STS speaks (a form-encoded POST,
 * `Action=GetCallerIdentity&Version=2011-06-15`, answered in XML). The caller is identified by the
 * access key id of the request's SigV4 `Authorization` header (signatures are not verified): a test
 * maps a key to an ARN with `setIdentity`; any other key is `arn:aws:iam::<account>:user/<key id>`.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-error';
import { FaultPlan } from '../faults';

export interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

export class StsEmulator {
  readonly faults = new FaultPlan();
  private readonly identities = new Map<string, string>();

  constructor(private readonly accountId: string) {}

  /** Requests signed with `accessKeyId` are answered as the principal `arn`. */
  setIdentity(accessKeyId: string, arn: string): void {
    this.identities.set(accessKeyId, arn);
  }

  /** The identity a request signed with `accessKeyId` has (undefined key: anonymous request). */
  identityOf(accessKeyId: string | undefined): CallerIdentity {
    const key = accessKeyId ?? 'anonymous';
    const arn = this.identities.get(key) ?? `arn:aws:iam::${this.accountId}:user/${key}`;
    return { arn, userId: key, account: /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? this.accountId };
  }

  /** Answers one Query-protocol request body; only GetCallerIdentity exists here. */
  handle(action: string, accessKeyId: string | undefined): string {
    if (action !== 'GetCallerIdentity') throw new AwsServiceError('InvalidAction', `Could not find operation ${action} for version 2011-06-15 in the STS stand-in`);
    const identity = this.identityOf(accessKeyId);
    return [
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
      '<GetCallerIdentityResult>',
      `<Arn>${xmlEscape(identity.arn)}</Arn>`,
      `<UserId>${xmlEscape(identity.userId)}</UserId>`,
      `<Account>${identity.account}</Account>`,
      '</GetCallerIdentityResult>',
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`,
      '</GetCallerIdentityResponse>',
    ].join('');
  }
}

/** The error document of the AWS Query protocol. */
export function queryErrorXml(error: AwsServiceError): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${xmlEscape(error.type)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** The access key id of a SigV4 `Authorization` header (`... Credential=AKID/date/region/service/aws4_request, ...`). */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
