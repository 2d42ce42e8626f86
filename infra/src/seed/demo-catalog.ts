import type { Variant } from '@flowdose/domain/product/events';

/** A picture the seed draws (demo-images.ts) and uploads: which view, in which colour. */
export type DemoImage = {
  view: 'front' | 'detail' | 'name';
  /** A colour option's value; none: the category's colour. */
  colour: string | null;
  alt: string;
};

export type DemoProduct = {
  title: string;
  handle: string;
  description: string;
  category: string;
  tags: string[];
  options: { name: string; values: string[] }[];
  variants: Variant[];
  publish: boolean;
  /** Units on hand per SKU; 0 means sold out. */
  stock: Record<string, number>;
  /** One to three, the first the cover. */
  images: DemoImage[];
};

type Kind = {
  category: string;
  nouns: string[];
  materials: string[];
  euro: [number, number];
  sizes?: string[];
  colours?: number;
};
const KINDS: Kind[] = [
  {
    category: 'apparel',
    nouns: ['T-shirt', 'Sweater', 'Shirt', 'Hoodie', 'Jacket', 'Scarf'],
    materials: ['Cotton', 'Linen', 'Merino', 'Organic Cotton', 'Hemp'],
    euro: [19, 149],
    sizes: ['S', 'M', 'L', 'XL'],
    colours: 2,
  },
  {
    category: 'footwear',
    nouns: ['Sneaker', 'Boot', 'Sandal', 'Loafer'],
    materials: ['Leather', 'Canvas', 'Suede', 'Recycled Knit'],
    euro: [59, 189],
    sizes: ['39', '40', '41', '42', '43', '44'],
    colours: 1,
  },
  {
    category: 'home',
    nouns: ['Mug', 'Vase', 'Candle', 'Blanket', 'Cushion', 'Bowl'],
    materials: ['Ceramic', 'Stoneware', 'Wool', 'Linen', 'Glass'],
    euro: [9, 89],
    colours: 3,
  },
  {
    category: 'kitchen',
    nouns: ['Chef Knife', 'Frying Pan', 'Cutting Board', 'Kettle', 'Teapot'],
    materials: ['Steel', 'Cast Iron', 'Oak', 'Walnut', 'Copper'],
    euro: [19, 199],
  },
  {
    category: 'outdoor',
    nouns: ['Backpack', 'Water Bottle', 'Tent', 'Rain Jacket', 'Camp Mug'],
    materials: ['Ripstop', 'Steel', 'Recycled Nylon', 'Waxed Canvas'],
    euro: [15, 349],
    colours: 2,
  },
  {
    category: 'stationery',
    nouns: ['Notebook', 'Pen Set', 'Planner', 'Desk Tray'],
    materials: ['Paper', 'Brass', 'Recycled Paper', 'Cork'],
    euro: [5, 49],
  },
  {
    category: 'accessories',
    nouns: ['Cap', 'Tote', 'Wallet', 'Belt', 'Beanie'],
    materials: ['Canvas', 'Leather', 'Wool', 'Cotton'],
    euro: [12, 99],
    colours: 3,
  },
];
const ADJECTIVES = [
  'Classic',
  'Minimal',
  'Heritage',
  'Alpine',
  'Coastal',
  'Urban',
  'Studio',
  'Field',
  'Everyday',
  'Nordic',
  'Harbour',
  'Meadow',
];
const COLOURS = ['Black', 'White', 'Navy', 'Olive', 'Sand', 'Rust', 'Grey', 'Forest'];
const NAMED_COLOURS = [...COLOURS, 'Natural'];

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const code = (s: string) =>
  s
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .slice(0, 6);

/**
 * One to three pictures, chosen by a hash of the handle rather than by the catalog's random
 * sequence, which would otherwise shift every product after the first (their handles, prices
 * and stock are what tests and benchmarks name).
 */
function imagesOf(title: string, handle: string, options: { name: string; values: string[] }[]): DemoImage[] {
  let hash = 0;
  for (const c of handle) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const colours = options.find((o) => o.name === 'Colour')?.values ?? [];
  // A colour its name says (Black Canvas Cap) is drawn too, and not said twice.
  const named = title.split(' ').find((word) => NAMED_COLOURS.includes(word)) ?? null;
  const colour = colours[0] ?? named;
  const all: DemoImage[] = [
    { view: 'front', colour, alt: colours[0] ? `${title} in ${colours[0].toLowerCase()}` : title },
    // A second colour, when there is one, shows in the close-up.
    { view: 'detail', colour: colours[1] ?? colour, alt: `Close-up of the ${title}` },
    { view: 'name', colour, alt: `The name ${title} on a card in its colour` },
  ];
  return all.slice(0, 1 + (hash % 3));
}

/** Ends like shop prices do: 19.99, 24.00, … */
const shopPrice = (euros: number) => (euros % 3 === 0 ? euros * 100 : euros * 100 - 1);
const dollars = (eurCents: number) => Math.round((eurCents * 1.08) / 100) * 100 - 1;

/** The few products the README's examples use, always present. */
function classics(): DemoProduct[] {
  const tee: DemoProduct = {
    title: 'Classic T-shirt',
    handle: 'classic-t-shirt',
    description: 'A heavyweight cotton T-shirt that keeps its shape.',
    category: 'apparel',
    tags: ['cotton', 'bestseller'],
    options: [
      { name: 'Colour', values: ['Red', 'Blue'] },
      { name: 'Size', values: ['S', 'M', 'L'] },
    ],
    variants: ['Red', 'Blue'].flatMap((colour) =>
      ['S', 'M', 'L'].map((size) => ({
        sku: `TSHIRT-${colour.toUpperCase()}-${size}`,
        optionValues: { Colour: colour, Size: size },
        prices: { EUR: 1999, USD: 2199 },
        weightGrams: 180,
      })),
    ),
    publish: true,
    images: [],
    stock: Object.fromEntries(
      ['S', 'M', 'L'].flatMap((size) => [
        [`TSHIRT-RED-${size}`, 50],
        [`TSHIRT-BLUE-${size}`, 50],
      ]),
    ),
  };
  const single = (
    title: string,
    sku: string,
    category: string,
    eur: number,
    usd: number,
    grams: number,
  ): DemoProduct => ({
    stock: { [sku]: 100 },
    title,
    handle: slug(title),
    description: `${title}, made to last.`,
    category,
    tags: ['bestseller'],
    options: [],
    variants: [{ sku, optionValues: {}, prices: { EUR: eur, USD: usd }, weightGrams: grams }],
    publish: true,
    images: imagesOf(title, slug(title), []),
  });
  tee.images = imagesOf(tee.title, tee.handle, tee.options);
  return [
    tee,
    single('White Enamel Mug', 'MUG-WHITE', 'home', 1250, 1390, 320),
    single('Black Canvas Cap', 'CAP-BLACK', 'accessories', 2400, 2650, 110),
    single('Wool Socks, 3 Pairs', 'SOCKS-3PACK', 'apparel', 1500, 1650, 150),
    single('Natural Tote Bag', 'TOTE-NATURAL', 'accessories', 1800, 1990, 200),
  ];
}

/**
 * A deterministic catalog of `count` products across seven categories, with options and
 * variants, prices in EUR and USD and stock (one variant in twenty sold out, three scarce);
 * a few (about one in forty) stay unpublished drafts.
 */
export function demoCatalog(count = 500): DemoProduct[] {
  let state = 42;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with short periods.
    return Math.floor((state / 2147483648) * n);
  };
  const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
  const products = classics();
  for (let i = products.length; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const noun = pick(kind.nouns);
    const material = pick(kind.materials);
    const title = `${pick(ADJECTIVES)} ${material} ${noun}`;
    const handle = `${slug(title)}-${i}`;
    const eur = shopPrice(kind.euro[0] + rand(kind.euro[1] - kind.euro[0]));
    const colours = kind.colours ? Array.from(new Set(Array.from({ length: kind.colours }, () => pick(COLOURS)))) : [];
    const options = [
      ...(colours.length ? [{ name: 'Colour', values: colours }] : []),
      ...(kind.sizes ? [{ name: 'Size', values: kind.sizes }] : []),
    ];
    const combos: Record<string, string>[] = options.reduce<Record<string, string>[]>(
      (acc, o) => acc.flatMap((c) => o.values.map((v) => ({ ...c, [o.name]: v }))),
      [{}],
    );
    const variants = combos.map((values) => ({
      sku: [`P${String(i).padStart(4, '0')}`, ...Object.values(values).map(code)].join('-'),
      optionValues: values,
      prices: { EUR: eur, USD: dollars(eur) },
      weightGrams: 100 + rand(1900),
    }));
    // Mostly plenty, some scarce, a few sold out: the storefront has to show all three.
    const units = () => {
      const r = rand(20);
      return r === 0 ? 0 : r <= 3 ? 1 + rand(3) : 10 + rand(190);
    };
    products.push({
      title,
      handle,
      description: `${title}: ${material.toLowerCase()} ${noun.toLowerCase()} for ${kind.category === 'outdoor' ? 'the trail' : 'every day'}.`,
      category: kind.category,
      tags: [slug(material), ...(rand(4) === 0 ? ['new'] : []), ...(rand(7) === 0 ? ['sale'] : [])],
      options,
      variants,
      publish: rand(30) !== 0,
      stock: Object.fromEntries(variants.map((v) => [v.sku, units()])),
      images: imagesOf(title, handle, options),
    });
  }
  return products;
}
