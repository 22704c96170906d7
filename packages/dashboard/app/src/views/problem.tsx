import { Problem } from '../api.js';
import { useI18n } from '../i18n.js';

/** A failure as the person reads it: the server's detail, or what to do about a session. */
export function ProblemNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  const text =
    error instanceof Problem && error.status === 401
      ? t('error.session')
      : error instanceof Problem && error.code === 'role.forbidden'
        ? t('error.forbidden')
        : error instanceof Error
          ? error.message
          : String(error);
  return (
    <p role="alert" class="bad">
      <strong>{t('error.title')}:</strong> {text}
    </p>
  );
}
