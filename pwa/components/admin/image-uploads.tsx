'use client';

import { IMAGE_TYPES, MAX_IMAGE_BYTES } from '@flowdose/domain/product/media';
import { type DragEvent, useState } from 'react';
import { MB, type Upload } from '@/lib/admin/use-image-uploads';

const ACCEPT = Object.values(IMAGE_TYPES).join(',');

const percent = (u: Upload) => (u.total > 0 ? Math.round((u.sent / u.total) * 100) : 0);
const stateText = (u: Upload) =>
  ({
    waiting: 'Waiting',
    sending: `${percent(u)} % sent`,
    storing: 'Sent; storing…',
    done: 'Uploaded',
    failed: u.error ?? 'Failed',
  })[u.state];

/** Where images are added: a file picker, or files dropped on the zone around it. */
export function DropZone({ onFiles }: { onFiles: (files: Iterable<File>) => void }) {
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    onFiles(event.dataTransfer.files);
  };
  return (
    // Dropping is a shortcut for the file picker inside, which the keyboard reaches.
    // biome-ignore lint/a11y/noStaticElementInteractions: the zone's input is the accessible way in.
    <div
      className={over ? 'dropzone over' : 'dropzone'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <label>
        Add images (JPEG, PNG, WebP or AVIF, at most {MAX_IMAGE_BYTES / MB} MB each), or drop them here
        <input
          type="file"
          multiple
          accept={ACCEPT}
          onChange={(e) => {
            if (e.currentTarget.files) onFiles(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </label>
    </div>
  );
}

/** Each upload with its progress and how it went; one whose answer was lost can be retried. */
export function UploadList({ uploads, onRetry }: { uploads: Upload[]; onRetry: (upload: Upload) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label="Uploads">
      {uploads.map((u) => (
        <li key={u.id}>
          <span className="upload-name">{u.file.name}</span>
          <progress
            max={u.total || 1}
            value={u.state === 'done' ? u.total || 1 : u.sent}
            aria-label={`Upload of ${u.file.name}`}
          />
          <span className={u.state === 'failed' ? 'error' : u.state === 'done' ? 'ok' : undefined} role="status">
            {stateText(u)}
          </span>
          {u.state === 'failed' && u.retry && (
            <button type="button" className="secondary" onClick={() => onRetry(u)}>
              Retry {u.file.name}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
