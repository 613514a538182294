/**
 * The operator table both trust analyses share. IAM documentation:
 * [operators] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * [sets]      https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { describe, expect, it } from 'vitest';
import {
  arnMatches,
  clauseTruth,
  denyEffect,
  holdsOnAbsentKey,
  type KeyKnowledge,
  knowledgeFrom,
  positiveOf,
} from '../../../lambda/policy/condition-truth';
import { type ConditionClause, PolicyParseError, parseOperator } from '../../../lambda/policy/trust-document';

const KEY = 'aws:RequestTag/team';
const clause = (operator: string, values: string | readonly string[], key = KEY): ConditionClause => ({
  operator,
  ...parseOperator(operator),
  key,
  values: typeof values === 'string' ? [values] : values,
});
const PRESENT: KeyKnowledge = { presence: 'present' };
const ABSENT: KeyKnowledge = { presence: 'absent' };

describe('Module: condition-truth', () => {
  describe('holdsOnAbsentKey', () => {
    it.each<[string, string, boolean]>([
      ['StringEquals', 'a', false],
      ['StringNotEquals', 'a', true],
      ['StringNotEqualsIgnoreCase', 'a', true],
      ['ArnNotLike', 'arn:*', true],
      ['NumericNotEquals', '1', true],
      ['DateNotEquals', '2020-01-01', true],
      ['NotIpAddress', '10.0.0.0/8', true],
      ['NumericLessThan', '1', false],
      ['Bool', 'true', false],
      ['StringEqualsIfExists', 'a', true],
      ['ForAllValues:StringEquals', 'a', true],
      ['ForAllValues:StringNotEquals', 'a', true],
      ['ForAnyValue:StringEquals', 'a', false],
      ['ForAnyValue:StringNotEquals', 'a', false],
      // No IfExists exception is documented for ForAnyValue, and IAM answers false [sets].
      ['ForAnyValue:StringEqualsIfExists', 'a', false],
    ])('%s is %s when the key is absent', (operator, value, expected) => {
      // IAM: a missing key fails every operator but negated ones, IfExists and ForAllValues [operators] [sets].
      expect(holdsOnAbsentKey(clause(operator, value))).toBe(expected);
    });

    it('reads Null true and false, whatever their case', () => {
      expect(holdsOnAbsentKey(clause('Null', 'TRUE'))).toBe(true);
      expect(holdsOnAbsentKey(clause('Null', 'false'))).toBe(false);
    });
  });

  describe('arnMatches', () => {
    it.each<[string, string, boolean | undefined]>([
      ['arn:aws:eks:*:*:cluster/*', 'arn:aws:eks:eu-west-1:111122223333:cluster/prod', true],
      ['arn:aws:eks:eu-west-?:*:cluster/prod', 'arn:aws:eks:eu-west-1:111122223333:cluster/prod', true],
      ['arn:aws:eks:*:*:cluster/prod', 'arn:aws:eks:eu-west-1:111122223333:cluster/staging', false],
      // Each part is matched alone: `*` in the region cannot swallow the account [operators].
      ['arn:aws:eks:*:cluster/prod', 'arn:aws:eks:eu-west-1:111122223333:cluster/prod', false],
      ['arn:aws:eks:*:*:*', 'arn:aws:eks:eu-west-1:111122223333:cluster/a:b', true],
      ['arn:aws:eks:*:*:cluster/prod', 'system:serviceaccount:a:b', undefined],
    ])('%s against %s is %s', (pattern, value, expected) => {
      expect(arnMatches(pattern, value)).toBe(expected);
    });
  });

  it('maps each negated operator to the positive one it denies, ArnNotEquals to ArnLike', () => {
    expect(positiveOf('ArnNotEquals')).toBe('ArnLike');
    expect(positiveOf('StringNotEqualsIgnoreCase')).toBe('StringEqualsIgnoreCase');
    expect(positiveOf('StringEquals')).toBeUndefined();
  });

  describe('clauseTruth', () => {
    it('reduces every qualifier to the base operator on a present single-valued key', () => {
      // IAM: with one request value, ForAllValues and ForAnyValue both test that value [sets].
      const known: KeyKnowledge = { presence: 'present', values: ['a'] };
      for (const operator of [
        'StringEquals',
        'ForAllValues:StringEquals',
        'ForAnyValue:StringEqualsIfExists',
      ]) {
        expect(clauseTruth(clause(operator, 'a'), known)).toBe('always');
        expect(clauseTruth(clause(operator, 'b'), known)).toBe('never');
      }
    });

    it('holds always for StringLike "*" and Null false on a present key, never for StringNotLike "*"', () => {
      expect(clauseTruth(clause('StringLike', '*'), PRESENT)).toBe('always');
      expect(clauseTruth(clause('Null', 'false'), PRESENT)).toBe('always');
      expect(clauseTruth(clause('StringNotLike', '**'), PRESENT)).toBe('never');
      expect(clauseTruth(clause('StringLike', 'a*'), PRESENT)).toBe('depends');
    });

    it('depends on a key that may be absent unless both cases agree', () => {
      const unknown: KeyKnowledge = { presence: 'unknown' };
      expect(clauseTruth(clause('StringLike', '*'), unknown)).toBe('depends');
      expect(clauseTruth(clause('StringLikeIfExists', '*'), unknown)).toBe('always');
      expect(clauseTruth(clause('Null', ['true', 'false']), unknown)).toBe('always');
    });

    it('decides a case-sensitive clause only where values are known in their case', () => {
      const anyCase: KeyKnowledge = { presence: 'present', values: ['sts.amazonaws.com'], ignoreCase: true };
      expect(clauseTruth(clause('StringEquals', 'sts.amazonaws.com'), anyCase)).toBe('depends');
      expect(clauseTruth(clause('StringEqualsIgnoreCase', 'STS.amazonaws.com'), anyCase)).toBe('always');
    });

    it('follows absence on an absent key', () => {
      expect(clauseTruth(clause('StringNotEquals', 'a'), ABSENT)).toBe('always');
      expect(clauseTruth(clause('ForAnyValue:StringNotEquals', 'a'), ABSENT)).toBe('never');
    });

    it('leaves unmodelled operators and policy variables undecided', () => {
      const known: KeyKnowledge = { presence: 'present', values: ['5'] };
      expect(clauseTruth(clause('NumericEquals', '5'), known)).toBe('depends');
      expect(clauseTruth(clause('StringEquals', `\${aws:username}`), known)).toBe('depends');
    });
  });

  describe('knowledgeFrom', () => {
    it('bounds a key by its literal positive clauses, filtered by the others', () => {
      const clauses = [
        clause('StringEquals', ['a', 'b', 'c']),
        clause('StringNotEquals', 'b'),
        clause('StringLike', '?'),
      ];
      expect(knowledgeFrom(KEY, clauses, 'unknown')).toEqual({
        presence: 'present',
        values: ['a', 'c'],
        patterns: [['?']],
      });
    });

    it('keeps presence unknown when every clause holds without the key', () => {
      expect(knowledgeFrom(KEY, [clause('StringEqualsIfExists', 'a')], 'unknown')).toEqual({
        presence: 'unknown',
        values: ['a'],
      });
    });

    it('compares keys without regard to case and keeps wildcard patterns as pattern bounds', () => {
      const clauses = [clause('StringLike', 'a*', KEY.toUpperCase())];
      expect(knowledgeFrom(KEY, clauses, 'unknown')).toEqual({ presence: 'present', patterns: [['a*']] });
    });

    it('decides a clause by pattern inclusion and disjointness', () => {
      // Prepare: values that match team-?:api, as a StringLike bound leaves them.
      const known = knowledgeFrom(KEY, [clause('StringLike', 'system:serviceaccount:team-?:api')], 'present');

      // Act / Assess: inside *:api always, apart from payments:* never, overlapping api-* depends.
      expect(clauseTruth(clause('StringLike', 'system:serviceaccount:*:api'), known)).toBe('always');
      expect(clauseTruth(clause('StringNotLike', 'system:serviceaccount:*:api'), known)).toBe('never');
      expect(clauseTruth(clause('StringLike', 'system:serviceaccount:payments:*'), known)).toBe('never');
      expect(clauseTruth(clause('StringLike', 'system:serviceaccount:team-a*'), known)).toBe('depends');
      expect(clauseTruth(clause('StringEquals', 'system:serviceaccount:payments:api'), known)).toBe('never');
    });

    it('decides a clause on service-account subjects from what subjects look like', () => {
      const subjects: KeyKnowledge = { presence: 'present', serviceAccount: true };
      expect(clauseTruth(clause('StringLike', 'system:*'), subjects)).toBe('always');
      expect(clauseTruth(clause('StringLike', 'SYSTEM:*'), subjects)).toBe('never');
      expect(clauseTruth(clause('StringNotEquals', 'system:serviceaccount:payments:*'), subjects)).toBe(
        'always',
      );
      expect(clauseTruth(clause('StringEqualsIgnoreCase', 'SYSTEM:SERVICEACCOUNT:A:B'), subjects)).toBe(
        'depends',
      );
    });

    it('leaves no value when the conditions contradict each other, and then nothing holds', () => {
      const clauses = [clause('StringEquals', 'a'), clause('StringEquals', 'b')];
      const knowledge = knowledgeFrom(KEY, clauses, 'unknown');
      expect(knowledge.values).toEqual([]);
      expect(clauseTruth(clause('StringEquals', 'a'), knowledge)).toBe('never');
    });
  });

  describe('denyEffect', () => {
    const present = () => PRESENT;

    it('narrows by the positive form of the one open negated condition', () => {
      const effect = denyEffect(
        [clause('ForAllValues:ArnNotEquals', 'arn:aws:eks:*:*:cluster/prod')],
        present,
      );
      expect(effect).toMatchObject({ kind: 'narrows', clause: { base: 'ArnLike', ifExists: false } });
      expect(effect.kind === 'narrows' && effect.clause.qualifier).toBeUndefined();
    });

    it('narrows by an IfExists positive form for ForAnyValue, which lets an absent key through', () => {
      const effect = denyEffect([clause('ForAnyValue:StringNotEquals', 'a')], () => ({
        presence: 'unknown',
      }));
      expect(effect).toMatchObject({ kind: 'narrows', clause: { base: 'StringEquals', ifExists: true } });
    });

    it('narrows by the union of several negated string conditions on one key', () => {
      // A Deny with sub ∉ {worker} and sub !~ team-?:api refuses all but their union [logic].
      const subjects = () => ({ presence: 'present' as const, serviceAccount: true });
      const effect = denyEffect(
        [
          clause('StringNotEqualsIgnoreCase', [
            'SYSTEM:SERVICEACCOUNT:PAYMENTS:WORKER',
            'system:serviceaccount:*',
          ]),
          clause('StringNotLike', 'system:serviceaccount:team-?:api'),
        ],
        subjects,
      );
      expect(effect).toMatchObject({
        kind: 'narrows',
        clause: {
          base: 'StringLike',
          values: ['system:serviceaccount:payments:worker', 'system:serviceaccount:team-?:api'],
        },
      });
    });

    it('blocks when every condition holds, does nothing when one never does, and leaves two open ones out', () => {
      expect(denyEffect([clause('StringLike', '*')], present)).toEqual({ kind: 'blocks' });
      expect(denyEffect([], present)).toEqual({ kind: 'blocks' });
      expect(
        denyEffect([clause('StringNotLike', '*'), clause('StringNotEquals', 'a', 'k2')], present),
      ).toEqual({
        kind: 'none',
      });
      expect(
        denyEffect([clause('StringNotEquals', 'a'), clause('StringNotEquals', 'a', 'k2')], present),
      ).toEqual({
        kind: 'unknown',
      });
      expect(denyEffect([clause('StringEquals', 'a')], present)).toEqual({ kind: 'unknown' });
    });
  });

  it('rejects an operator IAM does not know, before any of this is asked', () => {
    expect(() => parseOperator('ForSomeValues:StringEquals')).toThrow(PolicyParseError);
    expect(() => parseOperator('ForAnyValue:Null')).toThrow(PolicyParseError);
  });
});
