import { useLab } from './store/hooks';

/** What the page changed or ignored when it read the link. */
export function UrlNotice() {
  const notices = useLab((s) => s.urlNotices);
  const dismiss = useLab((s) => s.dismissUrlNotices);
  if (notices.length === 0) return null;
  return (
    <div className="banner banner--warn" data-testid="url-notice" role="alert">
      <div>
        <p>Some settings in the link could not be used as given:</p>
        <ul>
          {notices.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </div>
      <button type="button" className="btn btn--small" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
