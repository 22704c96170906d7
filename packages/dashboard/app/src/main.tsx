import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, Problem, type SessionInfo, setCsrf } from './api.js';
import { I18n, LANGUAGES, type Language, type TextKey, translator } from './i18n.js';
import './style.css';
import { CheckView } from './views/check.js';
import { DisclosuresView } from './views/disclosures.js';
import { LogView } from './views/log.js';
import { SignIn } from './views/sign-in.js';

type ViewName = 'check' | 'disclosures' | 'log';

/** The views each role has (the server enforces the same: this only decides the menu). */
const VIEWS: Record<SessionInfo['role'], readonly ViewName[]> = {
  member: ['check', 'disclosures', 'log'],
  police: ['check', 'log'],
};

const viewOf = (path: string): ViewName | undefined =>
  (['check', 'disclosures', 'log'] as const).find((v) => path === `/${v}`);

const LANGUAGE_KEY = 'credence.language';

function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [path, setPath] = useState(location.pathname);
  const [chosen, setChosen] = useState<Language | null>(
    () => (localStorage.getItem(LANGUAGE_KEY) as Language | null) ?? null,
  );
  const language: Language = chosen ?? session?.language ?? 'zh-CN';
  const t = useMemo(() => translator(language), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.title');
  }, [language, t]);

  const load = () =>
    api<SessionInfo>('GET', '/api/session').then(
      (s) => {
        setCsrf(s.csrf);
        setSession(s);
      },
      (error: unknown) => {
        if (error instanceof Problem && error.status === 401) setSession(null);
        else throw error;
      },
    );
  useEffect(() => {
    // A one-time link carries its secret in the fragment, which never reaches a server log.
    if (!location.hash.startsWith('#login=')) void load();
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const go = (to: string) => {
    history.pushState(null, '', to);
    setPath(to);
  };
  const chooseLanguage = (l: Language) => {
    localStorage.setItem(LANGUAGE_KEY, l);
    setChosen(l);
  };

  const languagePicker = (
    <label class="language">
      {t('app.language')}{' '}
      <select
        value={language}
        onChange={(e) => chooseLanguage((e.currentTarget as HTMLSelectElement).value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option value={l} key={l}>
            {l === 'zh-CN' ? '中文' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );

  if (session === undefined && !location.hash.startsWith('#login='))
    return <p class="loading">{t('app.loading')}</p>;
  if (session === undefined || session === null)
    return (
      <I18n.Provider value={{ t, language }}>
        <header class="top">
          <h1 class="brand">{t('app.title')}</h1>
          {languagePicker}
        </header>
        <main id="main">
          <SignIn onSignedIn={() => load()} />
        </main>
      </I18n.Provider>
    );

  const views = VIEWS[session.role];
  const view = viewOf(path) ?? views[0] ?? 'log';
  const signOut = () =>
    api('POST', '/api/logout').finally(() => {
      setSession(null);
    });
  const label: Record<ViewName, TextKey> = {
    check: 'nav.check',
    disclosures: 'nav.disclosures',
    log: 'nav.log',
  };
  return (
    <I18n.Provider value={{ t, language }}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <h1 class="brand">{t('app.title')}</h1>
        <span class="who">
          {session.member.name} ({session.member.id}, {t(`role.${session.role}`)})
        </span>
        {languagePicker}
        <button type="button" class="quiet" onClick={signOut}>
          {t('app.signOut')}
        </button>
      </header>
      <nav aria-label={t('nav.label')} class="menu">
        {views.map((v) => (
          <a
            key={v}
            href={`/${v}`}
            aria-current={v === view ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              go(`/${v}`);
            }}
          >
            {t(label[v])}
          </a>
        ))}
      </nav>
      <main id="main">
        {!views.includes(view) ? (
          <p role="alert">{t('error.forbidden')}</p>
        ) : view === 'check' ? (
          <CheckView />
        ) : view === 'disclosures' ? (
          <DisclosuresView />
        ) : (
          <LogView />
        )}
      </main>
    </I18n.Provider>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
