/**
 * Names built once and kept for a whole run (100,000 instance ids, their actors' and endpoints' names) are made with
 * `joinName`, not `+` or a template literal: V8 makes those a rope (a 32-byte node over the two parts, often over
 * another rope) for any result of 13 characters or more, and a rope kept for the run costs two to three times the
 * bytes of the flat string, is made flat again by the first map lookup, and keeps its parts alive. `Array.join`
 * writes the characters into one flat string.
 */
export function joinName(...parts: (string | number)[]): string {
  return parts.join('');
}
