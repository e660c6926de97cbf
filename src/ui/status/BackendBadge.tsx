import { useLab } from '../store/hooks';

/** Which tfjs backend the worker is training on, and why, when it fell back. */
export function BackendBadge() {
  const backend = useLab((s) => s.backend);
  if (!backend) {
    return (
      <p className="badge badge--idle" data-testid="backend">
        Backend: chosen when a run starts
      </p>
    );
  }
  return (
    <p
      className={`badge${backend.fallbackReason ? ' badge--fallback' : ''}`}
      data-testid="backend"
      title={backend.detail}
    >
      <span className="badge__name">{backend.backend}</span>
      {backend.detail && <span className="badge__detail"> ({backend.detail})</span>}
      {backend.fallbackReason && <span> — {backend.fallbackReason}</span>}
    </p>
  );
}
