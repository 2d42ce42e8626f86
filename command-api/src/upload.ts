import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '@flowdose/shared/errors';
import { checkText } from '@flowdose/shared/http/json-body';
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';

/** One file received, on disk until the request ends, with what the route needs to know of it. */
export type ReceivedFile = {
  path: string;
  size: number;
  /** SHA-256 of the bytes as received, hex. */
  sha256: string;
  /** The first bytes, to tell the file's type from. */
  head: Buffer;
};

declare module 'express-serve-static-core' {
  interface Request {
    /** The file a multipart route received (receiveFile), and its text fields. */
    upload?: { file: ReceivedFile; fields: Record<string, string> };
  }
}

const UPLOADS = join(tmpdir(), 'flowdose-uploads');
const HEAD_BYTES = 64;
/** The largest refused body read (and thrown away) before it is answered. */
const DRAIN_BYTES = 64 * 1024 * 1024;

/** Reads the request to its end, keeping nothing. */
const drain = (req: Request) =>
  new Promise<void>((resolve) => {
    req.on('end', resolve);
    req.on('close', resolve);
    req.resume();
  });

/**
 * Receives a `multipart/form-data` body with busboy: one file in the part named `fileField`,
 * streamed to a temporary file (deleted when the answer is done) while it is hashed, and the
 * text fields named in `fields`, each at most `maxFieldBytes`. Anything else is refused: no
 * multipart 415, a file over `maxBytes` 413 (read to its end and thrown away, so any client
 * reads the answer; one announced at more than twice that is not parsed, and one announced past
 * 64 MB is answered at once), another part, a second file or a field cut short 400.
 *
 * Sets `req.upload`, and `req.body` to what describes the request (its fields, and the file's
 * hash and size), which the Idempotency-Key's check compares between a request and its retry.
 */
export function receiveFile({
  fileField,
  fields,
  maxBytes,
  maxFieldBytes,
}: {
  fileField: string;
  fields: readonly string[];
  maxBytes: number;
  maxFieldBytes: number;
}): RequestHandler {
  const tooLarge = () => new PayloadTooLargeError(`The file is larger than ${maxBytes / (1024 * 1024)} MB.`);
  return async (req, res, next) => {
    if (!req.is('multipart/form-data'))
      throw new UnsupportedMediaTypeError(
        `Send the file as multipart/form-data, in a part named "${fileField}" (fields: ${fields.join(', ') || 'none'}).`,
      );
    const announced = Number(req.get('Content-Length'));
    if (announced > 2 * maxBytes) {
      // Not worth parsing. Answered only once the client has sent it all: an answer while a
      // client still sends makes most HTTP clients report a broken connection, not the answer.
      // A body too large even to throw away gets its answer at once, and the connection closes.
      if (announced > DRAIN_BYTES) {
        res.set('Connection', 'close');
        throw tooLarge();
      }
      await drain(req);
      throw tooLarge();
    }
    await mkdir(UPLOADS, { recursive: true });
    const path = join(UPLOADS, randomBytes(12).toString('hex'));
    // Whatever the answer, the temporary file goes with the request.
    res.on('close', () => void rm(path, { force: true }));
    const received = await receive(req, path, { fileField, fields, maxBytes, maxFieldBytes });
    if (received.truncated) throw tooLarge();
    if (!received.file)
      throw new ValidationError([{ path: fileField, message: `a file is required in the part "${fileField}"` }]);
    req.upload = { file: received.file, fields: received.fields };
    req.body = { ...received.fields, [fileField]: { sha256: received.file.sha256, size: received.file.size } };
    next();
  };
}

type Received = { file: ReceivedFile | null; truncated: boolean; fields: Record<string, string> };

function receive(
  req: Request,
  path: string,
  { fileField, fields, maxBytes, maxFieldBytes }: Parameters<typeof receiveFile>[0],
): Promise<Received> {
  return new Promise<Received>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          files: 1,
          fileSize: maxBytes,
          fields: fields.length,
          fieldSize: maxFieldBytes,
          // busboy says partsLimit on reaching it: one more than a good form has means too many.
          parts: fields.length + 2,
          fieldNameSize: 100,
          headerPairs: 20,
        },
      });
    } catch {
      reject(new ValidationError([{ path: 'body', message: 'a multipart body needs its boundary' }]));
      return;
    }
    const result: Received = { file: null, truncated: false, fields: {} };
    let refusal: Error | null = null;
    const refuse = (path: string, message: string) => {
      refusal ??= new ValidationError([{ path, message }]);
    };
    let writing: Promise<void> = Promise.resolve();

    parser.on('file', (name, stream) => {
      if (name !== fileField) {
        refuse(name, `no file is taken here; the file goes in "${fileField}"`);
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      const head: Buffer[] = [];
      let size = 0;
      const measuring = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (size < HEAD_BYTES) head.push(chunk.subarray(0, HEAD_BYTES - size));
          size += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      stream.on('limit', () => {
        result.truncated = true;
      });
      writing = pipeline(stream, measuring, createWriteStream(path)).then(() => {
        result.file = { path, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
      });
      // Awaited at the end; a failure before then (the client went away) is not left unhandled.
      writing.catch(() => {});
    });
    parser.on('field', (name, value, info) => {
      if (!fields.includes(name)) refuse(name, `not a field of this form (fields: ${fields.join(', ') || 'none'})`);
      else if (info.valueTruncated) refuse(name, `longer than ${maxFieldBytes} bytes`);
      else {
        // The same checks as a JSON body's texts: decoded from whatever charset the part
        // declared, it is text like any other.
        try {
          checkText(value, name);
          result.fields[name] = value;
        } catch (error) {
          refusal ??= error as Error;
        }
      }
    });
    parser.on('filesLimit', () => refuse(fileField, 'one file only'));
    parser.on('fieldsLimit', () => refuse('body', 'too many fields'));
    parser.on('partsLimit', () => refuse('body', 'too many parts'));
    parser.on('error', () => {
      req.unpipe(parser);
      req.resume();
      reject(new ValidationError([{ path: 'body', message: 'not a well-formed multipart body' }]));
    });
    parser.on('close', () => {
      writing.then(
        () => (refusal ? reject(refusal) : resolve(result)),
        (error: unknown) => reject(error),
      );
    });
    // A body without a length that goes on and on past what is worth reading is cut off.
    let read = 0;
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_BYTES) req.socket.destroy();
    });
    // A client gone before its body ended: nobody is left to answer, but the promise settles.
    req.on('close', () => {
      if (!req.complete) reject(new ValidationError([{ path: 'body', message: 'the body ended before its end' }]));
    });
    req.pipe(parser);
  });
}
