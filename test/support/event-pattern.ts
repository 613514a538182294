/**
 * The smallest EventBridge pattern matcher for the operators our rules use: exact values, `prefix`
 * and `exists`. moto's TestEventPattern answers without a result, and no maintained matcher was
 * found on the registry; any other operator throws, so a rule that starts using one cannot pass
 * unjudged. Semantics: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * - a pattern's field names must all match (AND); a list of values matches if any does (OR);
 * - an array in the event matches if any of its elements does;
 * - a field the pattern names but the event lacks fails, unless the pattern says `exists: false`;
 * - `exists` judges leaf values only (eb-event-patterns-content-based-filtering.html): where it
 *   meets an object, an empty array or null, whose answer the documentation leaves open, this throws.
 */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compile(pattern)(event);
}

/**
 * The whole pattern is read before any event is judged, so an operator this does not implement
 * throws even where an earlier field already fails or a listed value already matches.
 */
function compile(pattern: EventPattern): (node: unknown) => boolean {
  const fields = Object.entries(pattern).map(([field, rule]): ((node: unknown) => boolean) => {
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new Error(`pattern field '${field}': EventBridge refuses an empty list`);
      const tests = rule.map((value) => valueTest(field, value));
      return (node) => {
        const value = childOf(node, field);
        const leaves = Array.isArray(value) ? value : value === undefined ? [] : [value];
        return tests.some((test) => test(value, leaves));
      };
    }
    if (!isObject(rule)) throw new Error(`pattern field '${field}': expected a list or an object`);
    const nested = compile(rule);
    return (node) => {
      const value = childOf(node, field);
      // A nested pattern over a missing field still holds when all it asks is absence.
      const elements = Array.isArray(value) && value.length > 0 ? value : [value];
      return elements.some(nested);
    };
  });
  return (node) => fields.every((matches) => matches(node));
}

function childOf(node: unknown, field: string): unknown {
  return isObject(node) ? node[field] : undefined;
}

type ValueTest = (value: unknown, leaves: readonly unknown[]) => boolean;

function valueTest(field: string, rule: unknown): ValueTest {
  if (!isObject(rule)) return (_, leaves) => leaves.some((leaf) => !isObject(leaf) && leaf === rule);
  const [operator, ...others] = Object.keys(rule);
  if (operator === undefined || others.length > 0) {
    throw new Error(`pattern field '${field}': one operator per rule object`);
  }
  const operand = rule[operator];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new Error(`pattern field '${field}': exists takes a boolean`);
      return (value) => {
        if (value === null || isObject(value) || (Array.isArray(value) && value.length === 0)) {
          throw new Error(`pattern field '${field}': exists on what is not a leaf value is not implemented`);
        }
        return (value !== undefined) === operand;
      };
    case 'prefix':
      if (typeof operand !== 'string') {
        throw new Error(`pattern field '${field}': prefix other than a string is not implemented`);
      }
      return (_, leaves) => leaves.some((leaf) => typeof leaf === 'string' && leaf.startsWith(operand));
    default:
      throw new Error(`pattern field '${field}': operator '${operator}' is not implemented by this matcher`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
