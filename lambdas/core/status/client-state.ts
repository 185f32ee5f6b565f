/**
 * What the states of a secret's clients mean (issue 14), for `plan` and `verify`. After an emergency
 * the leaked client of an alternating pair is the standby and stays `disabled` until the next rotation
 * enables it before regenerating it: expected, not drift. A disabled (or inactive) CURRENT client is a
 * real problem: consumers get no tokens. An inactive standby is one too: Genesys Cloud deletes
 * inactive clients, and the next rotation refuses to rotate consumers onto it.
 */

export interface ClientStateFact {
  readonly clientId: string;
  /** `OAuthClient.state` as Genesys answered it (`active`, `disabled`, `inactive`, or anything else). */
  readonly state: string;
}

export interface ClientStatesVerdict {
  readonly ok: boolean;
  readonly detail: string;
}

/** The words `plan` and `verify` show for a standby an emergency disabled. */
export const DISABLED_STANDBY_NOTE = 'disabled (after emergency; re-enabled by the next rotation)';

export function judgeClientStates(current: ClientStateFact, standby?: ClientStateFact): ClientStatesVerdict {
  const problems: string[] = [];
  const notes: string[] = [];
  if (current.state !== 'active') {
    problems.push(`current client ${current.clientId} is ${current.state}: consumers get no tokens (enable it in Genesys Cloud)`);
  }
  if (standby !== undefined) {
    if (standby.state === 'disabled') notes.push(`standby client ${standby.clientId} is ${DISABLED_STANDBY_NOTE}`);
    else if (standby.state !== 'active') problems.push(`standby client ${standby.clientId} is ${standby.state}: the next rotation refuses to rotate consumers onto it`);
  }
  if (problems.length > 0) return { ok: false, detail: [...problems, ...notes].join('; ') };
  if (notes.length > 0) return { ok: true, detail: `current client active; ${notes.join('; ')}` };
  return { ok: true, detail: standby === undefined ? 'client active' : 'both clients are active' };
}
