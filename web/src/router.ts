// The app's three pages as paths under /ui/, moved between with the History API (no reloads).
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'pods' }
  | { page: 'pod'; namespace: string; name: string }
  | { page: 'node' }
  | { page: 'missing'; path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .replace(/^\/ui\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'pods')) return { page: 'pods' };
  if (parts.length === 1 && parts[0] === 'node') return { page: 'node' };
  if (parts.length === 3 && parts[0] === 'pods')
    return { page: 'pod', namespace: parts[1] ?? '', name: parts[2] ?? '' };
  return { page: 'missing', path: pathname };
}

export function podPath(namespace: string, name: string): string {
  return `/ui/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

const CHANGE = 'podlet:navigate';

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current route, following links and the back button. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return route;
}
