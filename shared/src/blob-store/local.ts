import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { assertKey, assertPrefix, type BlobInfo, type BlobRead, type BlobStore, type PutOptions } from './port.ts';

/**
 * The blob store as a folder: a key's bytes at `<dir>/<key>`, and what S3 would keep beside
 * them (content type, entity tag) in `<dir>/.meta/<key>.json`, which no key can name (no
 * segment starts with a dot). Writes go to a temporary file beside the target, are synced and
 * renamed over it: a reader sees the old bytes or the new, never part of them.
 */
export function createLocalBlobStore(dir: string): BlobStore {
  const root = resolve(dir);
  const pathOf = (key: string) => {
    assertKey(key);
    const path = join(root, key);
    // assertKey allows no '..'; this holds even if that rule were ever loosened.
    if (!path.startsWith(root + sep)) throw new Error(`blob key escapes the store: ${key}`);
    return path;
  };
  const metaOf = (key: string) => join(root, '.meta', `${key}.json`);
  const temporary = (path: string) => join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);

  type Meta = { contentType: string; etag: string };
  async function readMeta(key: string, size: number, mtime: Date): Promise<Meta> {
    try {
      return JSON.parse(await readFile(metaOf(key), 'utf8')) as Meta;
    } catch {
      // Bytes put there by hand, or a crash between the two renames: still served.
      return {
        contentType: 'application/octet-stream',
        etag: `"${size.toString(16)}-${mtime.getTime().toString(16)}"`,
      };
    }
  }

  /** Writes a file under `tmp`, synced; then renames it to `path`, unless told not to yet. */
  async function writeAtomically(
    path: string,
    tmp: string,
    write: (file: FileHandle) => Promise<void>,
    { rename: renameNow = true } = {},
  ) {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
    try {
      await write(file);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(tmp, { force: true });
      throw error;
    }
    await file.close();
    if (renameNow)
      await rename(tmp, path).catch(async (error) => {
        await rm(tmp, { force: true });
        throw error;
      });
  }

  async function info(key: string, path: string): Promise<BlobInfo | null> {
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return null;
      const meta = await readMeta(key, stats.size, stats.mtime);
      return { key, size: stats.size, contentType: meta.contentType, etag: meta.etag, lastModified: stats.mtime };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
        return null;
      throw error;
    }
  }

  return {
    kind: 'local',

    async put(key, body, { contentType }: PutOptions) {
      const path = pathOf(key);
      const md5 = createHash('md5');
      // The bytes first, under a temporary name; then their description; then the bytes take the key.
      const tmp = temporary(path);
      await writeAtomically(
        path,
        tmp,
        async (file) => {
          const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Readable ? body : [body];
          for await (const chunk of chunks) {
            md5.update(chunk);
            await file.write(chunk);
          }
        },
        { rename: false },
      );
      try {
        const meta: Meta = { contentType, etag: `"${md5.digest('hex')}"` };
        const metaPath = metaOf(key);
        await writeAtomically(metaPath, temporary(metaPath), (f) => writeFile(f, JSON.stringify(meta)));
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
    },

    async get(key, { range } = {}): Promise<BlobRead | null> {
      const path = pathOf(key);
      let file: FileHandle;
      try {
        file = await open(path, 'r');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
        throw error;
      }
      // What is described is what was opened, even if the key is replaced meanwhile.
      const stats = await file.stat();
      if (!stats.isFile()) {
        await file.close();
        return null;
      }
      const meta = await readMeta(key, stats.size, stats.mtime);
      const body = file.createReadStream(range ? { start: range.start, end: range.end } : {});
      return {
        key,
        size: stats.size,
        contentType: meta.contentType,
        etag: meta.etag,
        lastModified: stats.mtime,
        body,
        range: range ?? null,
      };
    },

    head: async (key) => info(key, pathOf(key)),

    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      await rm(metaOf(key), { force: true });
    },

    async list(prefix) {
      assertPrefix(prefix);
      // Walk only the deepest folder the prefix names whole.
      const cut = prefix.lastIndexOf('/');
      const start = cut < 0 ? '' : prefix.slice(0, cut);
      const found: { key: string; size: number }[] = [];
      async function walk(relative: string): Promise<void> {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(join(root, relative), { withFileTypes: true });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') return;
          throw error;
        }
        for (const entry of entries) {
          // .meta, temporary files: nothing a key can name.
          if (entry.name.startsWith('.')) continue;
          const key = relative ? `${relative}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) await walk(key);
          } else if (entry.isFile() && key.startsWith(prefix)) {
            found.push({ key, size: (await stat(join(root, key))).size });
          }
        }
      }
      await walk(start);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    presignGet: async (key) => {
      assertKey(key);
      return null;
    },

    async check() {
      await mkdir(root, { recursive: true });
      const probe = await stat(root);
      if (!probe.isDirectory()) throw new Error(`${root} is not a folder`);
    },

    close: async () => {},
  };
}
