import { ImagesBody, type ImageUploadedAnswer, ImageUploadFields } from '@flowdose/contract/command-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { derivedId, Id } from '@flowdose/domain/ids';
import { type Product, type ProductCommand, productDecider } from '@flowdose/domain/product/decider';
import { type ImageRef, productStream } from '@flowdose/domain/product/events';
import { IMAGE_TYPES, imageView, MAX_IMAGE_BYTES, originalKey, renditionViews } from '@flowdose/domain/product/media';
import { IMMUTABLE, renditionsReady, requestRenditions } from '@flowdose/projections/renditions';
import { UnsupportedMediaTypeError } from '@flowdose/shared/errors';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import type { CommandContext } from '@flowdose/shared/http/context';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { measureImage, sniffImageType, stripMetadata } from '@flowdose/shared/media/images';
import { askQueue } from '@flowdose/shared/unavailable';
import { type Request, type RequestHandler, Router } from 'express';
import type { Deps } from '../deps.ts';
import { failpoint } from '../failpoints.ts';
import { type CommandOf, handle, loadState } from '../handle-command.ts';
import { receiveFile } from '../upload.ts';

const productIdOf = (req: Request) => {
  const productId = String(req.params.productId);
  if (!Id.safeParse(productId).success) throw new NotFoundError('Product');
  return productId;
};

/** A malformed product id is a 404 before the body is read. */
const knownShape: RequestHandler = (req, _res, next) => {
  productIdOf(req);
  next();
};

/**
 * A product's images: an upload adds one (POST), the list is set whole (PUT: order, cover,
 * alt texts, removals). Both are product events (ProductImageAdded, ProductImagesSet); the
 * bytes are in the blob store, under the SHA-256 of the file uploaded.
 */
export function adminProductImageRoutes({ pool, store, config, blobs, renditions }: Deps): Router {
  const router = Router();
  const idempotency = idempotent(pool, (req) => `admin:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS);
  const onProduct = (productId: string, command: CommandOf<ProductCommand, Product>, ctx: CommandContext) =>
    handle(store, productDecider, productStream(productId), command, ctx);

  // The steps that touch the world outside the log go first, and each may run again harmlessly:
  // the original is put under the hash of its file (a repeat writes the same bytes to the same
  // key), the renditions job is named by that hash too. Only then is the image recorded on the
  // product, with event ids derived from the Idempotency-Key, so a retry after a crash anywhere
  // records it once. A crash before the record leaves an original no product names: harmless.
  router.post(
    '/admin/products/:productId/images',
    requireRole('admin'),
    knownShape,
    receiveFile({ fileField: 'file', fields: ['alt'], maxBytes: MAX_IMAGE_BYTES, maxFieldBytes: 1000 }),
    idempotency,
    async (req, res) => {
      const productId = productIdOf(req);
      const { file, fields } = req.upload!;
      const { alt } = validate(ImageUploadFields, fields);
      const type = sniffImageType(file.head);
      if (!type)
        throw new UnsupportedMediaTypeError(
          'The file is not a JPEG, PNG, WebP or AVIF image (its bytes say so, whatever its name).',
        );
      const hash = file.sha256;
      const key = originalKey(hash);

      // What the product would answer, asked first on its current state: a product that does
      // not exist, is archived or is full stores nothing.
      const { state } = await loadState(store, productDecider, productStream(productId));
      productDecider.decide({ type: 'AddImage', data: { productId, image: { key, alt } } }, state);

      const { width, height } = await measureImage(file.path, type);
      if (!(await blobs.head(key)))
        await blobs.put(key, await stripMetadata(file.path, type), {
          contentType: IMAGE_TYPES[type],
          cacheControl: IMMUTABLE,
        });
      // Asked for before the image is recorded, so a recorded image has its job. With Redis away
      // that is a 503 within about a second: nothing is recorded, and the retry (same
      // Idempotency-Key) puts the same bytes again and asks again. A job lost later (a flush)
      // loses nothing for good: a rendition asked for and not found asks again (/media).
      await askQueue(renditions, () => requestRenditions(renditions, hash, req.context.requestId));
      failpoint(config, 'image-stored');

      const image: ImageRef = { key, alt, width, height };
      let had: ImageRef | undefined;
      const { position, events } = await onProduct(
        productId,
        (current) => {
          had = current.status === 'none' ? undefined : current.images.find((i) => i.key === key);
          return { type: 'AddImage', data: { productId, image } };
        },
        req.context,
      );
      failpoint(config, 'image-recorded');
      // Added now, or by an earlier run of this very request that crashed before answering
      // (its event has the id this key derives): either way, this request added it.
      const { idempotencyKey } = req.context;
      const added =
        events.length > 0 ||
        (idempotencyKey !== null &&
          (
            await pool.query('select 1 from events where event_id = $1', [
              derivedId(idempotencyKey, productStream(productId), '0'),
            ])
          ).rowCount === 1);
      const recorded = events.length > 0 ? image : (had ?? image);
      const base = config.MEDIA_PUBLIC_BASE_URL;
      const answer: ImageUploadedAnswer = {
        productId,
        image: {
          ...imageView(recorded, base),
          renditions: renditionViews(hash, recorded.width ?? width, base),
          ready: await renditionsReady(blobs, hash, recorded.width ?? width).catch(() => false),
        },
        position: positionToken(position),
      };
      res.status(added ? 201 : 200).json(answer);
    },
  );

  router.put('/admin/products/:productId/images', requireRole('admin'), idempotency, async (req, res) => {
    const productId = productIdOf(req);
    const { images } = validate(ImagesBody, req.body);
    const { position } = await onProduct(productId, { type: 'SetImages', data: { productId, images } }, req.context);
    res.json({ position: positionToken(position) });
  });

  return router;
}
