import { useEffect, useState } from 'preact/hooks';
import { api, BASE } from '../api.js';
import { useI18n } from '../i18n.js';

/**
 * Sign-in. A link printed by `credence member login` opens the app with its one-time
 * secret in the fragment (#login=…): spent here with one POST, then wiped from the
 * address bar and history. Without one, the page says how to get a link.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [state, setState] = useState<'none' | 'working' | 'failed'>(() =>
    location.hash.startsWith('#login=') ? 'working' : 'none',
  );
  useEffect(() => {
    if (!location.hash.startsWith('#login=')) return;
    const link = location.hash.slice('#login='.length);
    history.replaceState(null, '', location.pathname);
    api('POST /api/login', { body: { link } }).then(onSignedIn, () => setState('failed'));
  }, []);
  return (
    <section aria-labelledby="signin-title" class="panel narrow">
      <h2 id="signin-title">{t('signin.title')}</h2>
      {state === 'working' ? (
        <p aria-live="polite">{t('signin.working')}</p>
      ) : (
        <>
          {state === 'failed' && (
            <p role="alert" class="bad">
              {t('signin.failed')}
            </p>
          )}
          <p>{t(BASE === '/' ? 'signin.how' : 'signin.howPlatform')}</p>
        </>
      )}
    </section>
  );
}
