import type { ConfigDraft } from "./config-form-model";
import { configInputBounds, configLimit } from "./field-limits";
import { FormField } from "./form-field";

/** Classes of the start form's inputs. */
export const INPUT = "w-full rounded border border-border bg-bg px-2 py-1.5";

/** The start form's draft, its messages and how to change it, as every field needs them. */
export interface DraftBinding {
  draft: ConfigDraft;
  errors: Record<string, string>;
  update(change: (d: ConfigDraft) => ConfigDraft): void;
}

type StringField = { [K in keyof ConfigDraft]: ConfigDraft[K] extends string ? K : never }[keyof ConfigDraft];

/**
 * A text or number input bound to one draft field; `limitOf` names the config field whose server-side
 * limit shows as its hint (and as the input's min/max).
 */
export function DraftInput({ b, field, label, errorKey, limitOf, itemWord, hint, ...props }: { b: DraftBinding; field: StringField; label: string; errorKey: string; limitOf?: string; itemWord?: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const bounds = limitOf && props.type === "number" ? configInputBounds(limitOf) : {};
  return (
    <FormField label={label} error={b.errors[errorKey]} hint={hint} limit={limitOf ? configLimit(limitOf, itemWord) : undefined} testId={errorKey}>
      <input value={b.draft[field]} onChange={(e) => b.update((d) => ({ ...d, [field]: e.target.value }))} className={INPUT} data-testid={`field-${field}`} {...bounds} {...props} />
    </FormField>
  );
}

/** A select bound to one draft field; options are values, or [value, label] pairs. */
export function DraftSelect({ b, field, label, errorKey, options, hint, onPick }: { b: DraftBinding; field: StringField; label: string; errorKey: string; options: readonly (string | readonly [string, string])[]; hint?: string; onPick?: (d: ConfigDraft, value: string) => ConfigDraft }) {
  return (
    <FormField label={label} error={b.errors[errorKey]} hint={hint} testId={errorKey}>
      <select value={b.draft[field]} onChange={(e) => b.update((d) => (onPick ? onPick(d, e.target.value) : { ...d, [field]: e.target.value }))} className={INPUT} data-testid={`field-${field}`}>
        {options.map((o) => {
          const [value, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </FormField>
  );
}
