import { Link } from './link.js';
import { NodePage } from './node-page.js';
import { PodPage } from './pod-page.js';
import { PodsPage } from './pods-page.js';
import { useRoute, type Route } from './router.js';

function Page(props: { route: Route }) {
  const { route } = props;
  switch (route.page) {
    case 'pods':
      return <PodsPage />;
    case 'pod':
      return (
        <PodPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} />
      );
    case 'node':
      return <NodePage />;
    default:
      return <p class="error">No page at {route.path}.</p>;
  }
}

export function App() {
  const route = useRoute();
  return (
    <>
      <header>
        <span class="brand">podlet</span>
        <nav>
          <Link href="/ui/" class={route.page === 'pods' || route.page === 'pod' ? 'active' : ''}>
            Pods
          </Link>
          <Link href="/ui/node" class={route.page === 'node' ? 'active' : ''}>
            Node
          </Link>
        </nav>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}
