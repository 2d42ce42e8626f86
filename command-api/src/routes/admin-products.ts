import {
  NewProduct,
  NewVariantBody,
  OptionsBody,
  ProductChangesBody,
  VariantChangesBody,
} from '@flowdose/contract/command-api';
import { NotFoundError } from '@flowdose/domain/errors';
import { Id } from '@flowdose/domain/ids';
import { type Product, type ProductCommand, productDecider } from '@flowdose/domain/product/decider';
import { productStream } from '@flowdose/domain/product/events';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import type { CommandContext } from '@flowdose/shared/http/context';
import { idempotent } from '@flowdose/shared/http/idempotency';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, Router } from 'express';
import { type Claim, claim, release } from '../catalog-claims.ts';
import type { Deps } from '../deps.ts';
import { type CommandOf, handle, newId } from '../handle-command.ts';

const productIdOf = (req: Request) => {
  const productId = String(req.params.productId);
  if (!Id.safeParse(productId).success) throw new NotFoundError('Product');
  return productId;
};

export function adminProductRoutes({ pool, store, config }: Deps): Router {
  const router = Router();
  const admin = [
    requireRole('admin'),
    idempotent(pool, (req) => `admin:${req.principal!.userId}`, config.IDEMPOTENCY_LOCK_SECONDS),
  ];

  // Every route here decides on one product's stream.
  const onProduct = (productId: string, command: CommandOf<ProductCommand, Product>, ctx: CommandContext) =>
    handle(store, productDecider, productStream(productId), command, ctx);

  /** Runs a product command holding the claims it needs; a refused command gives them back. */
  async function withClaims<T>(productId: string, claims: Claim[], run: () => Promise<T>): Promise<T> {
    const made = await claim(pool, productId, claims);
    try {
      return await run();
    } catch (error) {
      await release(pool, productId, made);
      throw error;
    }
  }

  router.post('/admin/products', ...admin, async (req, res) => {
    const body = validate(NewProduct, req.body);
    const productId = newId(req.context, 'product');
    const claims: Claim[] = [
      { kind: 'handle', key: body.handle },
      ...body.variants.map((v) => ({ kind: 'sku' as const, key: v.sku })),
    ];
    const { position } = await withClaims(productId, claims, () =>
      onProduct(productId, { type: 'CreateProduct', data: { productId, ...body } }, req.context),
    );
    res.status(201).json({ productId, position: positionToken(position) });
  });

  router.patch('/admin/products/:productId', ...admin, async (req, res) => {
    const productId = productIdOf(req);
    const changes = validate(ProductChangesBody, req.body);
    let oldHandle: string | null = null;
    const claims: Claim[] = changes.handle ? [{ kind: 'handle', key: changes.handle }] : [];
    const { position } = await withClaims(productId, claims, () =>
      onProduct(
        productId,
        // A function of the state: the handle to free is the one the change was decided against.
        (state) => {
          if (state.status !== 'none' && changes.handle && changes.handle !== state.handle) oldHandle = state.handle;
          return { type: 'UpdateProductDetails', data: { productId, changes } };
        },
        req.context,
      ),
    );
    // The old handle is free only once the new one is in the product's history.
    if (oldHandle) await release(pool, productId, [{ kind: 'handle', key: oldHandle }]);
    res.json({ position: positionToken(position) });
  });

  router.patch('/admin/products/:productId/variants/:sku', ...admin, async (req, res) => {
    const productId = productIdOf(req);
    const sku = String(req.params.sku);
    const changes = validate(VariantChangesBody, req.body);
    const { position } = await onProduct(
      productId,
      { type: 'UpdateVariant', data: { productId, sku, changes } },
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  router.post('/admin/products/:productId/variants', ...admin, async (req, res) => {
    const productId = productIdOf(req);
    const variant = validate(NewVariantBody, req.body);
    const { position } = await withClaims(productId, [{ kind: 'sku', key: variant.sku }], () =>
      onProduct(productId, { type: 'AddVariant', data: { productId, ...variant } }, req.context),
    );
    res.status(201).json({ position: positionToken(position) });
  });

  router.delete('/admin/products/:productId/variants/:sku', ...admin, async (req, res) => {
    const productId = productIdOf(req);
    const sku = String(req.params.sku);
    const { position } = await onProduct(productId, { type: 'RemoveVariant', data: { productId, sku } }, req.context);
    await release(pool, productId, [{ kind: 'sku', key: sku }]);
    res.json({ position: positionToken(position) });
  });

  router.put('/admin/products/:productId/options', ...admin, async (req, res) => {
    const productId = productIdOf(req);
    const { options } = validate(OptionsBody, req.body);
    const { position } = await onProduct(
      productId,
      { type: 'ChangeOptions', data: { productId, options } },
      req.context,
    );
    res.json({ position: positionToken(position) });
  });

  const lifecycle = { publish: 'PublishProduct', unpublish: 'UnpublishProduct', archive: 'ArchiveProduct' } as const;
  for (const [action, type] of Object.entries(lifecycle)) {
    router.post(`/admin/products/:productId/${action}`, ...admin, async (req, res) => {
      const productId = productIdOf(req);
      const { position } = await onProduct(productId, { type, data: { productId } }, req.context);
      res.json({ position: positionToken(position) });
    });
  }

  return router;
}
