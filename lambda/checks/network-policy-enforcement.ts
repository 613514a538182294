import { parse, YAMLError } from 'yaml';
import { failed, notAvailable, type Outcome, passed } from '../model/result';
import type { ClusterCheck } from './types';

const VPC_CNI = 'vpc-cni';
const KEY = 'enableNetworkPolicy';
/** Longest parser message or value quoted in a detail: configuration values may hold anything. */
const MAX_QUOTED = 120;

export const networkPolicyEnforcement: ClusterCheck = {
  metadata: {
    id: 'network-policy-enforcement',
    title: 'EKS cluster enforces Kubernetes NetworkPolicies with the managed VPC CNI add-on',
    resourceType: 'AwsEksCluster',
    severities: ['LOW'],
    severityRules:
      "Judges the managed vpc-cni add-on's configurationValues (YAML or JSON, as EKS accepts them). PASSED when enableNetworkPolicy is true (the boolean, or the string \"true\" in any case, as the add-on's schema types it). FAILED LOW when it is false or any other value, when it is not set, or when the add-on has no configuration values (an empty document counts as none): the VPC CNI then enforces no NetworkPolicy, and pods accept traffic from every other pod. Another policy engine (e.g. Calico or Cilium) is not visible through the AWS APIs and is not seen. NOT_AVAILABLE when the cluster's add-ons could not be listed, when no managed vpc-cni add-on is listed (a self-managed CNI cannot be judged from AWS APIs), when the vpc-cni add-on could not be described (with the reason), or when its configuration values do not parse or are not a mapping (the parser's message is given, never the configuration text).",
    remediation: {
      text: 'Turn on network policy enforcement in the VPC CNI add-on: aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\' (merge it into any configuration values already set; --resolve-conflicts PRESERVE keeps other changes), then apply NetworkPolicies that deny traffic by default.',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html',
    },
    references: [
      'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html',
      'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html',
    ],
  },
  evaluate(cluster) {
    if (!cluster.addons.known)
      return notAvailable(`The cluster's add-ons could not be listed: ${sentence(cluster.addons.reason)}`);
    const listed = cluster.addons.value.find((a) => a.name === VPC_CNI);
    if (listed === undefined) {
      return notAvailable(
        'No managed vpc-cni add-on is listed: a self-managed CNI cannot be judged from AWS APIs.',
      );
    }
    if (!listed.description.known) {
      return notAvailable(
        `The vpc-cni add-on could not be described: ${sentence(listed.description.reason)}`,
      );
    }
    const text = listed.description.value.configurationValues;
    if (text === undefined) return notEnforced('the vpc-cni add-on has no configuration values');
    const document = parseValues(text);
    if ('problem' in document) {
      return notAvailable(
        `The vpc-cni add-on's configuration values cannot be read: ${document.problem}; network policy enforcement cannot be judged.`,
      );
    }
    const values = document.values;
    if (values === undefined) return notEnforced('the vpc-cni add-on has no configuration values');
    if (!Object.hasOwn(values, KEY)) return notEnforced(`the vpc-cni configuration values do not set ${KEY}`);
    const value = values[KEY];
    if (value === true || (typeof value === 'string' && value.toLowerCase() === 'true'))
      return passed(`The vpc-cni add-on enforces Kubernetes NetworkPolicies (${KEY} is true).`);
    return notEnforced(`${KEY} is ${shown(value)} in the vpc-cni configuration values`);
  },
};

function notEnforced(why: string): Outcome {
  return failed(
    'LOW',
    `Kubernetes NetworkPolicies are not enforced by the VPC CNI: ${why}. Another policy engine (e.g. Calico or Cilium) would not be seen by this check.`,
  );
}

/** The configuration as a mapping (undefined for an empty document), or what stops it being read. */
function parseValues(
  text: string,
): { readonly values: Readonly<Record<string, unknown>> | undefined } | { readonly problem: string } {
  let document: unknown;
  try {
    // Errors are thrown and warnings kept quiet: a check writes nothing. No pretty errors: they quote the source.
    document = parse(text, { prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    return { problem: parseProblem(error, text) };
  }
  if (document === null || document === undefined) return { values: undefined };
  if (typeof document !== 'object' || Array.isArray(document))
    return {
      problem: `they are ${Array.isArray(document) ? 'a list' : `a ${typeof document}`}, not a mapping`,
    };
  return { values: document as Readonly<Record<string, unknown>> };
}

function parseProblem(error: unknown, text: string): string {
  const message = error instanceof Error ? (error.message.split('\n')[0]?.trim() ?? '') : '';
  const where = error instanceof YAMLError ? ` at line ${lineOf(text, error.pos[0])}` : '';
  return `not valid YAML or JSON${where} (${quoted(message || 'the parser gave no message')})`;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** A value named in a detail: scalars as written (short), structures by their kind. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `'${quoted(String(value))}'`;
}

function quoted(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
