import type { Config } from '../config.ts';
import { createLocalBlobStore } from './local.ts';
import type { BlobStore } from './port.ts';
import { createS3BlobStore, type S3Settings } from './s3.ts';

/** The S3 settings the configuration names (BLOB_STORE=s3 makes sure of the bucket). */
export const s3Settings = (config: Config): S3Settings => ({
  endpoint: config.S3_ENDPOINT,
  region: config.S3_REGION,
  bucket: config.S3_BUCKET ?? '',
  forcePathStyle: config.S3_FORCE_PATH_STYLE,
  credentials:
    config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
      : undefined,
  checksums: config.S3_CHECKSUMS,
});

/** The blob store BLOB_STORE names: a folder (MEDIA_DIR), or an S3 bucket. */
export const createBlobStore = (config: Config): BlobStore =>
  config.BLOB_STORE === 's3' ? createS3BlobStore(s3Settings(config)) : createLocalBlobStore(config.MEDIA_DIR);
