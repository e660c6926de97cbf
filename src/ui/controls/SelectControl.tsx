import { useId } from 'react';
import { SCHEMA, type TrainConfig } from '../../core/config';
import { useLab } from '../store/hooks';
import { OPTION_TEXT, type EnumKey } from './fields';

/** A labelled select over one enum setting's schema values. */
export function SelectControl({ name, disabled }: { name: EnumKey; disabled: boolean }) {
  const field = SCHEMA[name];
  const value = useLab((s) => s.config[name]);
  const setField = useLab((s) => s.setField);
  const id = useId();
  // Classroom mode (`hide=`): the control goes, its value stays in the config and the URL.
  const hidden = useLab((s) => s.hidden.includes(name));
  if (hidden) return null;
  return (
    <div className="control">
      <div className="control__head">
        <label htmlFor={id} className="control__label">
          {field.label}
        </label>
      </div>
      <select
        id={id}
        data-testid={`control.${name}.select`}
        value={value}
        disabled={disabled}
        onChange={(e) => setField(name, e.target.value as TrainConfig[typeof name])}
      >
        {field.values.map((v) => (
          <option key={v} value={v}>
            {OPTION_TEXT[v] ?? v}
          </option>
        ))}
      </select>
    </div>
  );
}
