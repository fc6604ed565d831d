/**
 * How renderers colour text. The UI builds one from chalk (or none at all); renderers
 * only call these functions, so they stay pure and never import a colour library.
 */
export interface Style {
  readonly critical: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly info: (text: string) => string;
  readonly ok: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const identity = (text: string): string => text;

/** No colour: every function returns its argument. */
export const plainStyle: Style = {
  critical: identity,
  warning: identity,
  info: identity,
  ok: identity,
  dim: identity,
  bold: identity,
};
