/**
 * The smallest EventBridge pattern matcher for the operators our rules use: exact values, `prefix`
 * and `exists`. moto's TestEventPattern answers without a result, and no maintained matcher was at
 * hand on the registry; any other operator throws, so a rule that starts using one cannot pass
 * unjudged. Semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * - a pattern's field names must all match (AND); a list of values matches if any does (OR);
 * - an array in the event matches if any of its elements does;
 * - a field the pattern names but the event lacks fails, unless the pattern says `exists: false`.
 */
type Pattern = { readonly [field: string]: Pattern | readonly unknown[] };

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    const value = isObject(event) ? event[field] : undefined;
    if (Array.isArray(rule)) return matchesValues(rule, value);
    if (!isObject(rule)) throw new Error(`pattern field '${field}': expected a list or an object`);
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => isObject(v) && matchesPattern(rule as Pattern, v));
  });
}

function matchesValues(rules: readonly unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => {
    if (isObject(rule)) {
      const [operator, ...others] = Object.keys(rule);
      if (others.length > 0 || operator === undefined) throw new Error('one operator per rule object');
      const operand = rule[operator];
      if (operator === 'exists') return (value !== undefined) === operand;
      if (operator === 'prefix') {
        if (typeof operand !== 'string') throw new Error('prefix takes a string');
        return values.some((v) => typeof v === 'string' && v.startsWith(operand));
      }
      throw new Error(`operator '${operator}' is not implemented by this matcher`);
    }
    return values.some((v) => v !== undefined && v === rule);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
