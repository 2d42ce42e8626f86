import Link from 'next/link';

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        Nothing lives here. <Link href="/products">Browse the shop</Link>
      </p>
    </>
  );
}
