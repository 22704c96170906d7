import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, appHref, BASE, Problem, type SessionInfo, setCsrf } from './api.js';
import { I18n, LANGUAGES, type Language, type TextKey, translator } from './i18n.js';
import './style.css';
import { CampaignsView } from './views/campaigns.js';
import { CasesView } from './views/cases.js';
import { CheckView } from './views/check.js';
import { DisclosuresView } from './views/disclosures.js';
import { HealthView } from './views/health.js';
import { LogView } from './views/log.js';
import { MembersView } from './views/members.js';
import { OverviewView } from './views/overview.js';
import { RingExplorerView } from './views/ring-explorer.js';
import { RingsView } from './views/rings.js';
import { SignIn } from './views/sign-in.js';

type ViewName =
  | 'overview'
  | 'check'
  | 'rings'
  | 'campaigns'
  | 'disclosures'
  | 'cases'
  | 'members'
  | 'health'
  | 'log';
const ALL_VIEWS: readonly ViewName[] = [
  'overview',
  'check',
  'rings',
  'campaigns',
  'disclosures',
  'cases',
  'members',
  'health',
  'log',
];

/** The views each role has (the server enforces the same: this only decides the menu). */
const VIEWS: Record<SessionInfo['role'], readonly ViewName[]> = {
  member: ['overview', 'check', 'rings', 'campaigns', 'disclosures', 'log'],
  police: ['cases', 'check', 'rings', 'campaigns', 'log'],
  operator: ['members', 'health', 'log'],
  auditor: ['members', 'health', 'log'],
};

/** The path inside the app ('/rings/…'), whatever base it is served under. */
const appPath = () => `/${location.pathname.slice(BASE.length)}`;

/** A path as a view and what it names (/rings/<id>, /cases/<id>). */
function routeOf(path: string): { view: ViewName | undefined; id: string | undefined } {
  const [, first, second] = path.split('/');
  const view = ALL_VIEWS.find((v) => v === first);
  return {
    view,
    id: second === undefined || second === '' ? undefined : decodeURIComponent(second),
  };
}

const LANGUAGE_KEY = 'credence.language';
/** Whether the page opened from a one-time link (#login=…), read before anything clears it. */
const OPENED_WITH_LINK = location.hash.startsWith('#login=');

function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [path, setPath] = useState(appPath);
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
    api('GET /api/session').then(
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
    if (!OPENED_WITH_LINK) void load();
    const onPop = () => setPath(appPath());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const go = (to: string) => {
    history.pushState(null, '', appHref(to));
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

  if (session === undefined && !OPENED_WITH_LINK) return <p class="loading">{t('app.loading')}</p>;
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
  const route = routeOf(path);
  const view = route.view ?? views[0] ?? 'log';
  const signOut = () =>
    api('POST /api/logout').finally(() => {
      setSession(null);
    });
  const label: Record<ViewName, TextKey> = {
    overview: 'nav.overview',
    check: 'nav.check',
    rings: 'nav.rings',
    campaigns: 'nav.campaigns',
    disclosures: 'nav.disclosures',
    cases: 'nav.cases',
    members: 'nav.members',
    health: 'nav.health',
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
            href={appHref(`/${v}`)}
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
        ) : view === 'overview' ? (
          <OverviewView go={go} />
        ) : view === 'check' ? (
          <CheckView />
        ) : view === 'rings' && route.id !== undefined ? (
          <RingExplorerView id={route.id} />
        ) : view === 'rings' ? (
          <RingsView go={go} />
        ) : view === 'campaigns' ? (
          <CampaignsView />
        ) : view === 'disclosures' ? (
          <DisclosuresView />
        ) : view === 'cases' ? (
          <CasesView id={route.id} go={go} />
        ) : view === 'members' ? (
          <MembersView />
        ) : view === 'health' ? (
          <HealthView />
        ) : (
          <LogView />
        )}
      </main>
    </I18n.Provider>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
