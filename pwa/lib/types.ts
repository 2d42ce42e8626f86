// The shapes the query API answers (../shared/API.md), as the storefront reads them.
export type Money = { amount: number; currency: string };
export type ProductListItem = {
  productId: string;
  handle: string;
  title: string;
  category: string;
  tags: string[];
  price: Money;
  inStock: boolean;
  image: { key: string; alt: string } | null;
};
export type ProductPage = { items: ProductListItem[]; nextCursor: string | null };
export type Variant = {
  sku: string;
  optionValues: Record<string, string>;
  prices: Money[];
  weightGrams: number;
  available: number;
};
export type Product = {
  productId: string;
  handle: string;
  title: string;
  description: string;
  category: string;
  tags: string[];
  options: { name: string; values: string[] }[];
  images: { key: string; alt: string }[];
  variants: Variant[];
};
export type Order = {
  orderId: string;
  status: string;
  email: string;
  currency: string;
  lines: { lineId: string; sku: string; quantity: number; unitPrice: Money; discount: number; tax: number }[];
  totals: { subtotal: number; discount: number; shipping: number; tax: number; grandTotal: number };
  shippingAddress: { name: string; line1: string; line2?: string; city: string; postalCode: string; country: string };
  shippingMethod: string;
  trackingNumber: string | null;
  history: { status: string; at: string; amount?: number }[];
  placedAt: string;
};
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
};
