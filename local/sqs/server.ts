/**
 * A minimal Amazon SQS stand-in speaking the AWS JSON 1.0 protocol the v3 SDK uses
 * (`X-Amz-Target: AmazonSQS.<Operation>`, `application/x-amz-json-1.0`). Enough for the notifier's
 * dead-letter queue and the tests that read it: CreateQueue, GetQueueUrl, SendMessage, ReceiveMessage,
 * DeleteMessage, GetQueueAttributes. MD5 digests are real, because the SDK checks them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../listen';

const ACCOUNT_ID = '000000000000';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAtMs: number;
  receiveCount: number;
  receiptHandle: string | undefined;
  invisibleUntilMs: number;
}

interface Queue {
  readonly name: string;
  readonly url: string;
  readonly messages: StoredMessage[];
  readonly visibilityTimeoutSeconds: number;
}

/** Emulator-internal: a request the real service would refuse with `__type`. */
class SqsFault extends Error {
  constructor(
    readonly type: string,
    readonly queryError: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SqsFault';
  }
}

export interface SqsEmulator {
  /** Base URL to pass as `endpoint` (or `AWS_ENDPOINT_URL_SQS`). */
  readonly endpoint: string;
  /** Create a queue (idempotent) and return its URL. */
  createQueue(name: string): string;
  /** Bodies of every message ever sent to the queue, in order, whether received or not. */
  sentBodies(queueUrl: string): readonly string[];
  /** Fault injection: the next `n` SendMessage calls fail with a 500 InternalError. */
  readonly faults: { failSendMessages: number };
  close(): Promise<void>;
}

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(body);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startSqsEmulator(): Promise<SqsEmulator> {
  const queues = new Map<string, Queue>();
  const sent = new Map<string, string[]>();
  const faults = { failSendMessages: 0 };
  let endpoint = '';

  function queueByUrl(url: unknown): Queue {
    const queue = typeof url === 'string' ? queues.get(url.replace(/\/+$/, '')) : undefined;
    if (!queue) throw new SqsFault('com.amazonaws.sqs#QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue;Sender', 'The specified queue does not exist.');
    return queue;
  }

  function createQueue(name: string, visibilityTimeoutSeconds = 30): string {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SqsFault('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue;Sender', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    const url = `${endpoint}/${ACCOUNT_ID}/${name}`;
    if (!queues.has(url)) {
      queues.set(url, { name, url, messages: [], visibilityTimeoutSeconds });
      sent.set(url, []);
    }
    return url;
  }

  function visible(queue: Queue, nowMs: number): StoredMessage[] {
    return queue.messages.filter((m) => m.invisibleUntilMs <= nowMs);
  }

  async function operate(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateQueue': {
        const attributes = (input.Attributes ?? {}) as Record<string, string>;
        const timeout = attributes.VisibilityTimeout !== undefined ? Number(attributes.VisibilityTimeout) : 30;
        return { QueueUrl: createQueue(String(input.QueueName), timeout) };
      }
      case 'GetQueueUrl': {
        const url = `${endpoint}/${ACCOUNT_ID}/${String(input.QueueName)}`;
        return { QueueUrl: queueByUrl(url).url };
      }
      case 'SendMessage': {
        const queue = queueByUrl(input.QueueUrl);
        if (faults.failSendMessages > 0) {
          faults.failSendMessages -= 1;
          throw new SqsFault('com.amazonaws.sqs#InternalError', 'InternalError;Receiver', 'We encountered an internal error. Please try again.', 500);
        }
        if (typeof input.MessageBody !== 'string' || input.MessageBody === '') {
          throw new SqsFault('com.amazonaws.sqs#MissingParameter', 'MissingParameter;Sender', 'The request must contain the parameter MessageBody.');
        }
        const message: StoredMessage = { messageId: randomUUID(), body: input.MessageBody, sentAtMs: Date.now(), receiveCount: 0, receiptHandle: undefined, invisibleUntilMs: 0 };
        queue.messages.push(message);
        sent.get(queue.url)?.push(message.body);
        return { MessageId: message.messageId, MD5OfMessageBody: md5(message.body) };
      }
      case 'ReceiveMessage': {
        const queue = queueByUrl(input.QueueUrl);
        const max = Math.min(Math.max(Number(input.MaxNumberOfMessages ?? 1), 1), 10);
        const waitMs = Math.min(Number(input.WaitTimeSeconds ?? 0), 20) * 1000;
        const timeoutSeconds = input.VisibilityTimeout !== undefined ? Number(input.VisibilityTimeout) : queue.visibilityTimeoutSeconds;
        const deadline = Date.now() + waitMs;
        let ready = visible(queue, Date.now());
        while (ready.length === 0 && Date.now() < deadline) {
          await sleep(20);
          ready = visible(queue, Date.now());
        }
        const now = Date.now();
        const picked = ready.slice(0, max);
        for (const message of picked) {
          message.receiveCount += 1;
          message.receiptHandle = randomUUID();
          message.invisibleUntilMs = now + timeoutSeconds * 1000;
        }
        if (picked.length === 0) return {};
        return {
          Messages: picked.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAtMs) },
          })),
        };
      }
      case 'DeleteMessage': {
        const queue = queueByUrl(input.QueueUrl);
        const index = queue.messages.findIndex((m) => m.receiptHandle !== undefined && m.receiptHandle === input.ReceiptHandle);
        if (index < 0) throw new SqsFault('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid;Sender', 'The input receipt handle is invalid.');
        queue.messages.splice(index, 1);
        return {};
      }
      case 'GetQueueAttributes': {
        const queue = queueByUrl(input.QueueUrl);
        const now = Date.now();
        const all: Record<string, string> = {
          ApproximateNumberOfMessages: String(visible(queue, now).length),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible(queue, now).length),
          ApproximateNumberOfMessagesDelayed: '0',
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:${queue.name}`,
        };
        const names = Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : [];
        const wanted = names.includes('All') ? Object.keys(all) : names;
        const attributes: Record<string, string> = {};
        for (const name of wanted) {
          const value = all[name];
          if (value !== undefined) attributes[name] = value;
        }
        return { Attributes: attributes };
      }
      default:
        throw new SqsFault('com.amazonaws.sqs#UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation;Sender', `Operation ${operation} is not supported by this stand-in.`);
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const target = req.headers['x-amz-target'];
        if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith('AmazonSQS.')) {
          throw new SqsFault('com.amazonaws.sqs#InvalidAction', 'InvalidAction;Sender', 'The action or operation requested is invalid.');
        }
        const raw = await readBody(req);
        const input = (raw === '' ? {} : JSON.parse(raw)) as Record<string, unknown>;
        send(res, 200, await operate(target.slice('AmazonSQS.'.length), input));
      } catch (error) {
        if (error instanceof SqsFault) {
          send(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-query-error': error.queryError });
        } else {
          send(res, 400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'Malformed request' });
        }
      }
    })();
  });

  const listening = await listenOnLoopback(server);
  endpoint = listening.url;

  return {
    endpoint,
    createQueue: (name) => createQueue(name),
    sentBodies: (queueUrl) => [...(sent.get(queueUrl) ?? [])],
    faults,
    close: listening.close,
  };
}
