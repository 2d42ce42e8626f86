import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { blobStoreContract, expectUnavailable } from './contract.test-support.ts';
import { createLocalBlobStore } from './local.ts';
import { createS3BlobStore, type S3Settings } from './s3.ts';

blobStoreContract('local disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flowdose-blobs-'));
  return { store: createLocalBlobStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('the local disk store', () => {
  it('keeps its own files where no key reaches them, and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowdose-blobs-'));
    try {
      const store = createLocalBlobStore(dir);
      await store.put('media/x/original', randomBytes(10), { contentType: 'image/png' });
      expect((await readdir(dir)).sort()).toEqual(['.meta', 'media']);
      expect(await readdir(join(dir, 'media/x'))).toEqual(['original']);
      expect(await store.list('')).toEqual([{ key: 'media/x/original', size: 10 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The S3 half runs against a real S3-protocol server: Ceph's radosgw on loopback, which
// `bash infra/services/s3.sh` installs and starts (.ci/run does), or whatever S3_ENDPOINT
// names (MinIO in the GitHub workflow), in a bucket of its own that it removes after.
const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7480';
const s3: S3Settings = {
  endpoint,
  region: process.env.S3_REGION ?? 'us-east-1',
  bucket: `flowdose-test-${randomBytes(6).toString('hex')}`,
  forcePathStyle: (process.env.S3_FORCE_PATH_STYLE ?? 'true') === 'true',
  credentials: {
    accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'testkey',
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'testsecret',
  },
  // Ceph's radosgw refuses the SDK's default chunked checksums (see infra/services/s3-server).
  checksums: process.env.S3_CHECKSUMS === 'when_supported' ? 'when_supported' : 'when_required',
};
const reachable = await fetch(endpoint, { signal: AbortSignal.timeout(2000) }).then(
  () => true,
  () => false,
);
if (!reachable)
  console.warn(
    `[blob-store] SKIPPED the S3 half of the contract: no S3 server answers at ${endpoint}. ` +
      "Run 'bash infra/services/s3.sh' (a loopback Ceph radosgw) or set S3_ENDPOINT to one (MinIO).",
  );

describe.skipIf(!reachable)(`the S3 store at ${endpoint}`, () => {
  blobStoreContract('S3', async () => {
    const store = createS3BlobStore(s3);
    await store.ensureBucket();
    return {
      store,
      async cleanup() {
        const client = new S3Client({
          endpoint,
          region: s3.region,
          forcePathStyle: s3.forcePathStyle,
          ...(s3.credentials ? { credentials: s3.credentials } : {}),
        });
        // The contract deleted what it wrote; an empty bucket goes.
        await client.send(new DeleteBucketCommand({ Bucket: s3.bucket }));
        client.destroy();
      },
    };
  });

  it('refuses a wrong secret as a refusal, not as an outage', async () => {
    const store = createS3BlobStore({
      ...s3,
      bucket: 'flowdose-nobucket',
      credentials: { accessKeyId: s3.credentials!.accessKeyId, secretAccessKey: 'wrong-secret' },
    });
    const error = await store.list('x/').catch((e: unknown) => e);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await store.close();
  });
});

describe('a blob store that does not answer', () => {
  it('is unavailable (a 503 to clients), for S3 as for any service', async () => {
    // Nothing listens on port 1 of loopback.
    const store = createS3BlobStore({ ...s3, endpoint: 'http://127.0.0.1:1' });
    await expectUnavailable(store);
    await store.close();
  });
});
