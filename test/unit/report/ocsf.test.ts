import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingId } from '../../../lambda/model/finding-id';
import type { RunReport } from '../../../lambda/model/report';
import type { CheckResult } from '../../../lambda/model/result';
import { ocsfFindingUid, renderOcsf } from '../../../lambda/report/ocsf';
import { SCANNER_VERSION } from '../../../lambda/scanner-version';
import { aClusterResult, aRoleResult, CLUSTER } from '../../support/results';

/*
 * A validator compiled from the vendored OCSF 1.6.0 schema files, the way the OCSF server compiles
 * them: a class merges the classes it extends, `$include`d profiles mark their attributes with the
 * profile's name, every attribute is the dictionary's entry deep-merged with the class's or object's
 * override (enums merge), objects merge what they extend, and class_uid, category_uid and type_uid
 * are computed from categories.json and the class's activities. Nothing of the schema is written here.
 */

const SCHEMA_ROOT = join(import.meta.dirname, '../../fixtures/ocsf-1.6.0');

type JsonObject = { [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function load(path: string): JsonObject {
  const parsed: unknown = JSON.parse(readFileSync(join(SCHEMA_ROOT, path), 'utf8'));
  if (!isObject(parsed)) throw new Error(`${path} is not a JSON object`);
  return parsed;
}

function field(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  return isObject(value) ? value : {};
}

/** Right wins; objects merge key by key, so an override's enum adds to and recaptions the base's. */
function deepMerge(left: JsonObject, right: JsonObject): JsonObject {
  const out: JsonObject = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const base = out[key];
    out[key] = isObject(base) && isObject(value) ? deepMerge(base, value) : value;
  }
  return out;
}

interface Attribute {
  readonly name: string;
  readonly type: string;
  readonly isArray: boolean;
  readonly requirement: string;
  readonly profile: string | undefined;
  readonly enum: JsonObject | undefined;
  readonly sibling: string | undefined;
}

interface Shape {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, Attribute>;
  readonly constraints: JsonObject;
}

interface Schema {
  readonly event: Shape;
  readonly classProfiles: readonly string[];
  readonly objects: Map<string, Shape>;
  readonly types: JsonObject;
}

/** A file's attributes with its `$include`d profiles' merged under them, each marked with its profile. */
function ownAttributes(file: JsonObject): JsonObject {
  const { $include, ...own } = field(file, 'attributes');
  let merged: JsonObject = {};
  for (const path of Array.isArray($include) ? $include : []) {
    const profile = load(String(path));
    for (const [name, attr] of Object.entries(field(profile, 'attributes'))) {
      merged[name] = { ...(isObject(attr) ? attr : {}), profile: profile.name };
    }
  }
  merged = deepMerge(merged, own);
  return merged;
}

function compileAttributes(raw: JsonObject, dictionary: JsonObject): Map<string, Attribute> {
  const out = new Map<string, Attribute>();
  for (const [name, override] of Object.entries(raw)) {
    const dict = dictionary[name];
    if (!isObject(dict)) throw new Error(`attribute ${name} is not in the dictionary`);
    const attr = deepMerge(dict, isObject(override) ? override : {});
    out.set(name, {
      name,
      type: String(attr.type),
      isArray: attr.is_array === true,
      requirement: typeof attr.requirement === 'string' ? attr.requirement : 'optional',
      profile: typeof attr.profile === 'string' ? attr.profile : undefined,
      enum: isObject(attr.enum) ? attr.enum : undefined,
      sibling: typeof attr.sibling === 'string' ? attr.sibling : undefined,
    });
  }
  return out;
}

function compileSchema(classPath: string): Schema {
  const dictionaryFile = load('dictionary.json');
  const dictionary = field(dictionaryFile, 'attributes');
  const types = field(field(dictionaryFile, 'types'), 'attributes');
  const classFiles = new Map<string, string>([
    ['base_event', 'events/base_event.json'],
    ['finding', 'events/findings/finding.json'],
  ]);
  const chain: JsonObject[] = [];
  for (let file: JsonObject | undefined = load(classPath); file; ) {
    chain.unshift(file);
    const parent: string | undefined =
      typeof file.extends === 'string' ? classFiles.get(file.extends) : undefined;
    if (typeof file.extends === 'string' && parent === undefined)
      throw new Error(`unknown class ${file.extends}`);
    file = parent === undefined ? undefined : load(parent);
  }
  let raw: JsonObject = {};
  const classProfiles = new Set<string>();
  let category: unknown;
  for (const file of chain) {
    raw = deepMerge(raw, ownAttributes(file));
    for (const p of Array.isArray(file.profiles) ? file.profiles : []) classProfiles.add(String(p));
    if (typeof file.category === 'string') category = file.category;
  }
  const leaf = chain[chain.length - 1] ?? {};
  const cat = field(field(load('categories.json'), 'attributes'), String(category));
  const classUid = Number(cat.uid) * 1000 + Number(leaf.uid);
  const activities = field(deepMerge(field(dictionary, 'activity_id'), field(raw, 'activity_id')), 'enum');
  const typeEnum: JsonObject = {};
  for (const [id, entry] of Object.entries(activities)) {
    typeEnum[String(classUid * 100 + Number(id))] = {
      caption: `${leaf.caption}: ${isObject(entry) ? entry.caption : ''}`,
    };
  }
  // The server replaces these enums: they name this class, not the base event's placeholders.
  raw.class_uid = { ...field(raw, 'class_uid'), enum: { [classUid]: { caption: leaf.caption } } };
  raw.category_uid = { ...field(raw, 'category_uid'), enum: { [String(cat.uid)]: { caption: cat.caption } } };
  raw.type_uid = { ...field(raw, 'type_uid'), enum: typeEnum };

  const objects = new Map<string, Shape>();
  const schema: Schema = {
    event: { name: String(leaf.name), attributes: compileAttributes(raw, dictionary), constraints: {} },
    classProfiles: [...classProfiles],
    objects,
    types,
  };
  const compileObject = (name: string): void => {
    if (objects.has(name) || name === 'object') return;
    let merged: JsonObject = {};
    let constraints: JsonObject = {};
    const files: JsonObject[] = [];
    for (let n: unknown = name; typeof n === 'string' && n !== 'object'; ) {
      const file = load(`objects/${n}.json`);
      files.unshift(file);
      n = file.extends;
    }
    for (const file of files) {
      merged = deepMerge(merged, ownAttributes(file));
      if (isObject(file.constraints)) constraints = file.constraints;
    }
    const shape = { name, attributes: compileAttributes(merged, dictionary), constraints };
    objects.set(name, shape);
    for (const attr of shape.attributes.values()) if (!(attr.type in types)) compileObject(attr.type);
  };
  for (const attr of schema.event.attributes.values()) if (!(attr.type in types)) compileObject(attr.type);
  return schema;
}

/** The problems of one event, as `path: what` lines; none means it is valid. */
function validate(schema: Schema, event: unknown): string[] {
  const problems: string[] = [];
  const metadata = isObject(event) ? event.metadata : undefined;
  const declared =
    isObject(metadata) && Array.isArray(metadata.profiles) ? metadata.profiles.map(String) : [];
  const profiles = new Set(declared);
  for (const p of declared) {
    if (!schema.classProfiles.includes(p))
      problems.push(`metadata.profiles: ${p} is not a profile of the class`);
  }
  const applies = (attr: Attribute) => attr.profile === undefined || profiles.has(attr.profile);

  const checkScalar = (typeName: string, value: unknown, path: string): void => {
    const type = field(schema.types, typeName);
    const base = typeof type.type === 'string' ? type.type : typeName;
    if (base !== typeName) checkScalar(base, value, path);
    const kind: Record<string, (v: unknown) => boolean> = {
      string_t: (v) => typeof v === 'string',
      integer_t: (v) => Number.isInteger(v) && Math.abs(Number(v)) <= 2 ** 31,
      long_t: (v) => Number.isSafeInteger(v),
      float_t: (v) => typeof v === 'number' && Number.isFinite(v),
      boolean_t: (v) => typeof v === 'boolean',
      json_t: () => true,
    };
    const test = kind[typeName];
    if (test && !test(value)) problems.push(`${path}: ${JSON.stringify(value)} is not ${typeName}`);
    if (typeof type.regex === 'string' && typeof value === 'string' && !new RegExp(type.regex).test(value)) {
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${typeName}`);
    }
    if (typeof type.max_len === 'number' && typeof value === 'string' && value.length > type.max_len) {
      problems.push(`${path}: longer than ${typeName} allows`);
    }
    if (Array.isArray(type.range) && typeof value === 'number') {
      const [low, high] = type.range.map(Number);
      if (value < Number(low) || value > Number(high)) problems.push(`${path}: outside ${typeName}'s range`);
    }
    if (Array.isArray(type.values) && !type.values.includes(value)) {
      problems.push(`${path}: ${JSON.stringify(value)} is not a value of ${typeName}`);
    }
  };

  const checkValue = (attr: Attribute, value: unknown, path: string): void => {
    if (attr.type in schema.types) checkScalar(attr.type, value, path);
    else if (attr.type === 'object') {
      if (!isObject(value)) problems.push(`${path}: not an object`);
    } else {
      const shape = schema.objects.get(attr.type);
      if (!shape) problems.push(`${path}: object ${attr.type} was not compiled`);
      else checkShape(shape, value, path);
    }
    if (attr.enum && !Object.hasOwn(attr.enum, String(value))) {
      problems.push(`${path}: ${JSON.stringify(value)} is not in the enum of ${attr.name}`);
    }
  };

  const checkShape = (shape: Shape, value: unknown, path: string): void => {
    if (!isObject(value)) {
      problems.push(`${path}: not a ${shape.name} object`);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const attr = shape.attributes.get(key);
      const at = path ? `${path}.${key}` : key;
      if (!attr || !applies(attr)) {
        problems.push(
          `${at}: ${shape.name} has no such attribute${attr ? ` without profile ${attr.profile}` : ''}`,
        );
        continue;
      }
      if (attr.isArray) {
        if (!Array.isArray(item)) problems.push(`${at}: not an array`);
        else for (const [i, element] of item.entries()) checkValue(attr, element, `${at}[${i}]`);
      } else checkValue(attr, item, at);
      // An *_id and its sibling agree: the sibling is the id's caption, unless the id is Other (99).
      if (attr.enum && attr.sibling && item !== 99 && value[attr.sibling] !== undefined) {
        const caption = field(attr.enum, String(item)).caption;
        if (value[attr.sibling] !== caption) {
          problems.push(
            `${path ? `${path}.` : ''}${attr.sibling}: ${JSON.stringify(value[attr.sibling])} is not ${key}'s caption ${JSON.stringify(caption)}`,
          );
        }
      }
    }
    for (const attr of shape.attributes.values()) {
      if (attr.requirement === 'required' && applies(attr) && value[attr.name] === undefined) {
        problems.push(`${path ? `${path}.` : ''}${attr.name}: required by ${shape.name}, missing`);
      }
    }
    const atLeastOne = shape.constraints.at_least_one;
    if (Array.isArray(atLeastOne) && !atLeastOne.some((k) => value[String(k)] !== undefined)) {
      problems.push(`${path}: ${shape.name} needs at least one of ${atLeastOne.join(', ')}`);
    }
    const justOne = shape.constraints.just_one;
    if (Array.isArray(justOne) && justOne.filter((k) => value[String(k)] !== undefined).length !== 1) {
      problems.push(`${path}: ${shape.name} needs exactly one of ${justOne.join(', ')}`);
    }
  };

  checkShape(schema.event, event, '');
  return problems;
}

const SCHEMA = compileSchema('events/findings/compliance_finding.json');

const NODEGROUP_RESULT: CheckResult = {
  ...aClusterResult({
    checkId: 'nodegroup-remote-access',
    status: 'NOT_AVAILABLE',
    severity: 'INFORMATIONAL',
  }),
  resource: { type: 'AwsEksNodegroup', name: 'workers' },
  detail: 'DescribeNodegroup failed: AccessDenied',
};

const RESULTS: readonly CheckResult[] = [
  aClusterResult({
    status: 'PASSED',
    severity: 'INFORMATIONAL',
    detail: 'The API server endpoint is private only.',
  }),
  aClusterResult(),
  aClusterResult({ checkId: 'control-plane-logging', status: 'WARNING', severity: 'LOW' }),
  aClusterResult({ checkId: 'secrets-encryption', status: 'NOT_AVAILABLE', severity: 'INFORMATIONAL' }),
  aClusterResult({
    checkId: 'version-support',
    severity: 'MEDIUM',
    muted: { reason: 'Upgrade planned', owner: 'platform-team', expires: '2030-01-31', entry: 2 },
  }),
  aRoleResult({ oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789' }),
  aRoleResult({ muted: { reason: 'Legacy role', entry: 1 } }),
  NODEGROUP_RESULT,
  aRoleResult({
    oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/fedcba9876543210',
    trustGrade: 'any-service-account',
    permissionTier: 'administrator',
  }),
  aClusterResult({
    checkId: 'cluster-exposure',
    severity: 'CRITICAL',
    related: [
      {
        accountId: CLUSTER.accountId,
        checkId: 'endpoint-public-access',
        region: 'eu-west-1',
        resource: { type: 'AwsEksCluster', id: CLUSTER.arn, name: CLUSTER.name },
      },
    ],
  }),
];

function aReport(results: readonly CheckResult[]): RunReport {
  return {
    schemaVersion: 1,
    scanId: 'scan-1',
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:05:00.000Z',
    targets: [{ accountId: '111122223333', region: 'eu-west-1', status: 'SCANNED' }],
    results,
    stats: { apiCalls: {}, durationMs: 300_000 },
  };
}

function eventsOf(results: readonly CheckResult[]): JsonObject[] {
  const parsed: unknown = JSON.parse(renderOcsf(aReport(results)));
  if (!Array.isArray(parsed)) throw new Error('not an array');
  return parsed.filter(isObject);
}

const EVENTS = eventsOf(RESULTS);

describe('the compiled OCSF 1.6.0 validator', () => {
  const valid = (): JsonObject => structuredClone(EVENTS[1] ?? {});

  it('compiles the class from what it extends, its profiles and the objects it references', () => {
    expect(SCHEMA.event.attributes.get('compliance')?.requirement).toBe('required');
    expect(SCHEMA.event.attributes.get('cloud')?.profile).toBe('cloud');
    expect(SCHEMA.event.attributes.get('status_id')?.enum).toHaveProperty('3.caption', 'Suppressed');
    expect(SCHEMA.event.attributes.get('type_uid')?.enum).toHaveProperty(
      '200301.caption',
      'Compliance Finding: Create',
    );
    expect(SCHEMA.objects.get('compliance')?.attributes.get('status_id')?.enum).toHaveProperty(
      '0.caption',
      'Unknown',
    );
    expect(SCHEMA.objects.size).toBeGreaterThan(50);
  });

  it('accepts a well-formed event', () => {
    expect(validate(SCHEMA, valid())).toEqual([]);
  });

  it('rejects a missing required attribute', () => {
    const event = valid();
    delete event.finding_info;
    expect(validate(SCHEMA, event)).toContain('finding_info: required by compliance_finding, missing');
    const nested = valid();
    delete field(nested, 'metadata').product;
    expect(validate(SCHEMA, nested)).toContain('metadata.product: required by metadata, missing');
  });

  it('rejects a value outside the enum, and a caption that is not its id’s', () => {
    const event = valid();
    event.severity_id = 7;
    expect(validate(SCHEMA, event).join('\n')).toMatch(/severity_id: 7 is not in the enum/);
    const caption = valid();
    caption.severity = 'Low';
    expect(validate(SCHEMA, caption)).toContain('severity: "Low" is not severity_id\'s caption "High"');
    const nested = valid();
    field(nested, 'compliance').status_id = 4;
    expect(validate(SCHEMA, nested).join('\n')).toMatch(/compliance\.status_id: 4 is not in the enum/);
  });

  it('rejects an attribute the class or object does not define, or whose profile is not applied', () => {
    const event = valid();
    event.checkId = 'x';
    expect(validate(SCHEMA, event).join('\n')).toMatch(/^checkId: compliance_finding has no such attribute/m);
    const nested = valid();
    field(nested, 'cloud').arn = 'x';
    expect(validate(SCHEMA, nested).join('\n')).toMatch(/^cloud\.arn: cloud has no such attribute/m);
    const unprofiled = valid();
    field(unprofiled, 'metadata').profiles = [];
    expect(validate(SCHEMA, unprofiled).join('\n')).toMatch(/^cloud: .* without profile cloud/m);
  });

  it('rejects a value of the wrong type', () => {
    const event = valid();
    event.time = '2025-03-01T10:05:00Z';
    expect(validate(SCHEMA, event).join('\n')).toMatch(/^time: .* is not long_t/m);
    const array = valid();
    field(array, 'remediation').references = 'https://example.com';
    expect(validate(SCHEMA, array)).toContain('remediation.references: not an array');
    const string = valid();
    field(string, 'finding_info').title = 42;
    expect(validate(SCHEMA, string)).toContain('finding_info.title: 42 is not string_t');
  });
});

describe('renderOcsf', () => {
  it('renders one valid Compliance Finding per result', () => {
    expect(EVENTS).toHaveLength(RESULTS.length);
    EVENTS.forEach((event, i) => {
      expect({ result: i, problems: validate(SCHEMA, event) }).toEqual({ result: i, problems: [] });
    });
  });

  it("names an IRSA result's trust grade and tier, and an exposure result's related findings by their uid", () => {
    const role = EVENTS[RESULTS.length - 2] ?? {};
    expect((role.resources as JsonObject[])[0]?.data).toMatchObject({
      trustGrade: 'any-service-account',
      permissionTier: 'administrator',
    });
    const exposure = field(EVENTS[RESULTS.length - 1] ?? {}, 'finding_info');
    expect(exposure.related_events).toEqual([
      { uid: ocsfFindingUid(aClusterResult()), type_uid: 200301, type_name: 'Compliance Finding: Create' },
    ]);
  });

  it('classifies every event as Compliance Finding: Create', () => {
    for (const event of EVENTS) {
      expect(event).toMatchObject({ class_uid: 2003, category_uid: 2, activity_id: 1, type_uid: 200301 });
      expect(event.metadata).toMatchObject({
        version: '1.6.0',
        event_code: field(event, 'compliance').control,
        product: { name: 'eks-posture', vendor_name: 'eks-posture', version: SCANNER_VERSION },
      });
      expect(event.time).toBe(Date.parse('2025-03-01T10:05:00.000Z'));
    }
  });

  it('maps status and severity to the compliance status and severity ids', () => {
    const mapped = EVENTS.slice(0, 4).map((e) => [field(e, 'compliance').status, e.severity_id]);
    expect(mapped).toEqual([
      ['Pass', 1],
      ['Fail', 4],
      ['Warning', 2],
      ['Unknown', 1],
    ]);
    expect(EVENTS[5]?.severity).toBe('Critical');
  });

  it('uses the ASFF finding Id as finding_info.uid, and a stable uid for a resource without ARN', () => {
    const [first] = RESULTS;
    if (!first?.resource.id) throw new Error('fixture has an ARN');
    expect(field(EVENTS[0] ?? {}, 'finding_info').uid).toBe(
      findingId({ ...first, resource: { ...first.resource, id: first.resource.id } }),
    );
    const nodegroup = field(EVENTS[7] ?? {}, 'finding_info').uid;
    expect(nodegroup).toBe(ocsfFindingUid(NODEGROUP_RESULT));
    expect(nodegroup).toBe(field(eventsOf([NODEGROUP_RESULT])[0] ?? {}, 'finding_info').uid);
    // Results 0 and 1 are the same check on the same cluster: one finding, as in Security Hub.
    const uids = EVENTS.map((e) => field(e, 'finding_info').uid);
    expect(uids[0]).toBe(uids[1]);
    expect(new Set(uids.slice(1)).size).toBe(EVENTS.length - 1);
  });

  it('marks a muted result Suppressed, keeping its compliance status, severity and the entry', () => {
    const muted = EVENTS[4] ?? {};
    expect(muted).toMatchObject({
      status_id: 3,
      status: 'Suppressed',
      severity_id: 3,
      comment: 'Upgrade planned',
      status_detail:
        'Accepted risk, mutelist entry 2; owner platform-team; expires 2030-01-31: Upgrade planned',
      unmapped: {
        mute: { entry: 2, reason: 'Upgrade planned', owner: 'platform-team', expires: '2030-01-31' },
      },
      compliance: { status_id: 3, status: 'Fail' },
    });
    expect(EVENTS[0]).toMatchObject({ status_id: 1, status: 'New' });
    expect(EVENTS[0]).not.toHaveProperty('comment');
  });

  it('names the resource, its cluster, the issuer and the account', () => {
    const role = EVENTS[5] ?? {};
    expect(role.resources).toEqual([
      expect.objectContaining({
        uid: RESULTS[5]?.resource.id,
        type: 'AwsIamRole',
        role_id: 1,
        cloud_partition: 'aws',
        data: { oidcIssuer: 'oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789' },
      }),
      expect.objectContaining({ uid: CLUSTER.arn, name: CLUSTER.name, type: 'AwsEksCluster', role_id: 4 }),
    ]);
    expect(role.cloud).toMatchObject({
      provider: 'AWS',
      account: { uid: RESULTS[5]?.accountId, type_id: 10 },
    });
    expect(EVENTS[0]?.resources).toHaveLength(1);
    const [nodegroup, itsCluster] = Array.isArray(EVENTS[7]?.resources) ? EVENTS[7].resources : [];
    expect(nodegroup).toEqual({
      name: 'workers',
      type: 'AwsEksNodegroup',
      role_id: 1,
      role: 'Target',
      region: 'eu-west-1',
      cloud_partition: 'aws',
    });
    expect(itsCluster).toMatchObject({ uid: CLUSTER.arn, role_id: 4 });
    expect(EVENTS[1]?.remediation).toEqual({
      desc: RESULTS[1]?.remediation.text,
      references: [RESULTS[1]?.remediation.url],
    });
  });

  it('renders an empty report as an empty array', () => {
    expect(JSON.parse(renderOcsf(aReport([])))).toEqual([]);
  });
});
