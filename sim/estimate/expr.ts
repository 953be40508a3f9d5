/**
 * The event language of `fabricsim estimate`: a small expression over the simulated state (and, at the end of a
 * run, its summary), parsed once into a tree with the column of every token, so that a mistake is reported as
 * `column N: …` and never deep inside a run.
 *
 *   expr     := or
 *   or       := and (("or" | "||") and)*
 *   and      := unary (("and" | "&&") unary)*
 *   unary    := ("not" | "!") unary | compare
 *   compare  := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
 *   sum      := primary (("+" | "-") primary)*
 *   primary  := NUMBER | "true" | "false" | "(" expr ")" | NAME ["(" [arg ("," arg)*] ")"]
 *   arg      := a quoted string, or a bare word of letters, digits and . _ - * ? : /
 *
 * The functions (their meaning and argument kinds) live in `functions.ts`.
 */

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expr =
  | { readonly type: 'number'; readonly value: number; readonly col: number }
  | { readonly type: 'bool'; readonly value: boolean; readonly col: number }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Arg[]; readonly col: number }
  | { readonly type: 'not'; readonly operand: Expr; readonly col: number }
  | {
      readonly type: 'logic';
      readonly op: 'and' | 'or';
      readonly left: Expr;
      readonly right: Expr;
      readonly col: number;
    }
  | {
      readonly type: 'compare';
      readonly op: CompareOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly col: number;
    }
  | { readonly type: 'arith'; readonly op: '+' | '-'; readonly left: Expr; readonly right: Expr; readonly col: number };

export interface Arg {
  readonly text: string;
  readonly col: number;
}

/** A mistake in an expression: `column` is 1-based, in the expression's text. */
export class ExprError extends Error {
  readonly column: number;
  constructor(column: number, message: string) {
    super(`column ${column}: ${message}`);
    this.name = 'ExprError';
    this.column = column;
  }
}

type TokenKind = 'num' | 'name' | 'str' | 'op' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly col: number;
}

const OPS = ['<=', '>=', '==', '!=', '&&', '||', '<', '>', '!', '(', ')', ',', '+', '-'];
const WORD = /[A-Za-z0-9_.*?:/-]/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    const col = i + 1;
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExprError(col, 'string not closed');
      out.push({ kind: 'str', text: src.slice(i + 1, end), col });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      // A number glued to letters ("3x", "db0" as an argument) is a bare word, read below.
      const after = src[i + m[0].length] ?? '';
      if (!/[A-Za-z_*?:/]/.test(after)) {
        out.push({ kind: 'num', text: m[0], col });
        i += m[0].length;
        continue;
      }
    }
    if (WORD.test(c) && c !== '-' && c !== '/' && c !== ':') {
      let j = i;
      while (j < src.length && WORD.test(src[j]!)) j++;
      out.push({ kind: 'name', text: src.slice(i, j), col });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new ExprError(col, `unexpected character ${JSON.stringify(c)}`);
    out.push({ kind: 'op', text: op, col });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', col: src.length + 1 });
  return out;
}

/** Parses `src` into a tree; throws an ExprError naming the column of the first mistake. */
export function parseExpr(src: string): Expr {
  if (src.trim() === '') throw new ExprError(1, 'empty expression');
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Token => toks[pos]!;
  const next = (): Token => toks[pos++]!;
  const isOp = (t: Token, ...ops: string[]): boolean => t.kind === 'op' && ops.includes(t.text);
  const isWord = (t: Token, w: string): boolean => t.kind === 'name' && t.text === w;
  const describe = (t: Token): string => (t.kind === 'end' ? 'the end' : JSON.stringify(t.text));

  function or(): Expr {
    let left = and();
    while (isOp(peek(), '||') || isWord(peek(), 'or')) {
      const t = next();
      left = { type: 'logic', op: 'or', left, right: and(), col: t.col };
    }
    return left;
  }
  function and(): Expr {
    let left = unary();
    while (isOp(peek(), '&&') || isWord(peek(), 'and')) {
      const t = next();
      left = { type: 'logic', op: 'and', left, right: unary(), col: t.col };
    }
    return left;
  }
  function unary(): Expr {
    if (isOp(peek(), '!') || isWord(peek(), 'not')) {
      const t = next();
      return { type: 'not', operand: unary(), col: t.col };
    }
    return compare();
  }
  function compare(): Expr {
    const left = sum();
    const t = peek();
    if (isOp(t, '<', '<=', '>', '>=', '==', '!=')) {
      next();
      const right = sum();
      if (isOp(peek(), '<', '<=', '>', '>=', '==', '!=')) {
        throw new ExprError(peek().col, 'comparisons do not chain; join them with "and"');
      }
      return { type: 'compare', op: t.text as CompareOp, left, right, col: t.col };
    }
    return left;
  }
  function sum(): Expr {
    let left = primary();
    while (isOp(peek(), '+', '-')) {
      const t = next();
      left = { type: 'arith', op: t.text as '+' | '-', left, right: primary(), col: t.col };
    }
    return left;
  }
  function primary(): Expr {
    const t = next();
    if (t.kind === 'num') {
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw new ExprError(t.col, `bad number ${t.text}`);
      return { type: 'number', value, col: t.col };
    }
    if (isOp(t, '-') && peek().kind === 'num') {
      const n = next();
      return { type: 'number', value: -Number(n.text), col: t.col };
    }
    if (isOp(t, '(')) {
      const e = or();
      const close = next();
      if (!isOp(close, ')')) throw new ExprError(close.col, `expected ")" but found ${describe(close)}`);
      return e;
    }
    if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') return { type: 'bool', value: t.text === 'true', col: t.col };
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text)) {
        throw new ExprError(t.col, `expected a function such as replicasDown(db0), found ${JSON.stringify(t.text)}`);
      }
      const args: Arg[] = [];
      if (isOp(peek(), '(')) {
        next();
        if (!isOp(peek(), ')')) {
          for (;;) {
            const a = next();
            if (a.kind !== 'name' && a.kind !== 'str' && a.kind !== 'num') {
              throw new ExprError(a.col, `expected an argument (an id or a glob) but found ${describe(a)}`);
            }
            args.push({ text: a.text, col: a.col });
            if (isOp(peek(), ',')) {
              next();
              continue;
            }
            break;
          }
        }
        const close = next();
        if (!isOp(close, ')')) throw new ExprError(close.col, `expected ")" or "," but found ${describe(close)}`);
      }
      return { type: 'call', name: t.text, args, col: t.col };
    }
    throw new ExprError(t.col, `expected a number, a function or "(" but found ${describe(t)}`);
  }

  const e = or();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExprError(rest.col, `unexpected ${describe(rest)} after the expression`);
  return e;
}
