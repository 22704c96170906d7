import { appHref } from '../api.js';

/**
 * A link to another view of the app ('/rings/ring-…'): a real address (it opens in a new
 * tab too), followed in place by the app's router on a plain click.
 */
export function ViewLink({
  to,
  go,
  label,
}: {
  to: string;
  go: (path: string) => void;
  label: string;
}) {
  return (
    <a
      class="mono"
      href={appHref(to)}
      onClick={(e) => {
        e.preventDefault();
        go(to);
      }}
    >
      {label}
    </a>
  );
}
