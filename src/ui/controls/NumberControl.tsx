import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useLab } from '../store/hooks';
import { formatValue } from '../format';
import { numberField, type NumericKey } from './fields';
import { sliderScale } from './scale';
import { parseTyped } from './typed';

interface Props {
  name: NumericKey;
  disabled: boolean;
  /** A cross-field problem (e.g. LR min above LR max) to show under this control. */
  crossError?: string;
  /** Seed has no meaningful slider. */
  slider?: boolean;
}

/** A slider and a number field for one numeric setting; typed values commit on Enter or blur. */
export function NumberControl({ name, disabled, crossError, slider = true }: Props) {
  const field = numberField(name);
  const value = useLab((s) => s.config[name]);
  const setField = useLab((s) => s.setField);
  // Classroom mode (`hide=`): the control goes, its value stays in the config and the URL.
  const hidden = useLab((s) => s.hidden.includes(name));
  const scale = useMemo(() => sliderScale(field), [field]);
  // What the user is typing, until committed; null shows the stored value.
  const [draft, setDraft] = useState<string | null>(null);
  const [typedError, setTypedError] = useState<string | null>(null);
  const id = useId();
  const labelId = `${id}-label`;
  const messageId = `${id}-message`;
  const message = typedError ?? crossError;

  const commit = () => {
    if (draft === null) return;
    const typed = parseTyped(draft, field);
    if (!typed.ok) {
      setTypedError(typed.message);
      return;
    }
    setTypedError(null);
    setDraft(null);
    setField(name, typed.value);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      setDraft(null);
      setTypedError(null);
    }
  };

  const unit = field.unit && !field.label.toLowerCase().includes(field.unit) ? field.unit : null;
  const scaleNote = field.log ? 'log scale' : null;
  if (hidden) return null;

  return (
    <div className={`control${message ? ' control--invalid' : ''}`}>
      <div className="control__head">
        <label id={labelId} htmlFor={`${id}-number`} className="control__label">
          {field.label}
        </label>
        <span className="control__value">
          <input
            id={`${id}-number`}
            data-testid={`control.${name}.number`}
            type="number"
            inputMode="decimal"
            step="any"
            min={field.min}
            max={field.max}
            value={draft ?? formatValue(value)}
            disabled={disabled}
            aria-invalid={message ? true : undefined}
            aria-describedby={message ? messageId : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setTypedError(null);
            }}
            onBlur={commit}
            onKeyDown={onKeyDown}
          />
          {unit && <span className="control__unit">{unit}</span>}
        </span>
      </div>
      {slider && (
        <input
          type="range"
          className="control__slider"
          data-testid={`control.${name}.slider`}
          aria-labelledby={labelId}
          aria-valuetext={formatValue(value)}
          min={0}
          max={scale.maxPosition}
          step={1}
          value={scale.toPosition(value)}
          disabled={disabled}
          onChange={(e) => {
            setDraft(null);
            setTypedError(null);
            setField(name, scale.toValue(Number(e.target.value)));
          }}
        />
      )}
      {slider && (
        <div className="control__range" aria-hidden="true">
          <span>{formatValue(field.min)}</span>
          {scaleNote && <span>{scaleNote}</span>}
          <span>{formatValue(field.max)}</span>
        </div>
      )}
      {message && (
        <p id={messageId} className="control__message" role="alert">
          {message}
        </p>
      )}
    </div>
  );
}
