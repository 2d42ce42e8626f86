import Link from 'next/link';

export default function AdminNotFound() {
  return (
    <main id="main" className="admin-main">
      <h1>Not found</h1>
      <p>
        Nothing in the back office lives here. <Link href="/admin">Back to orders</Link>
      </p>
    </main>
  );
}
