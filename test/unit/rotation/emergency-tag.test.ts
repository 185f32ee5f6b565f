import {
  bindEmergency,
  canBindVersion,
  formatEmergencyTag,
  isBoundTo,
  MAX_TAG_VALUE_LENGTH,
  parseEmergencyTag,
  sanitiseTagText,
} from '../../../lambdas/core/rotation/emergency-tag';

const REQUESTED = new Date('2026-11-29T10:15:00.000Z');
const VERSION = '6bfc797a-ebb9-411f-baef-3c0350ca4e12';
/** AWS's rule for tag values. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

describe('emergency tag value', () => {
  describe('formatEmergencyTag / parseEmergencyTag', () => {
    it('writes the request time and the reason, and reads them back', () => {
      // Act
      const value = formatEmergencyTag({ requestedAt: REQUESTED, reason: 'secret pasted in ticket 4711' });
      // Assess
      expect(value).toBe('requested=2026-11-29T10:15:00.000Z reason=secret pasted in ticket 4711');
      expect(parseEmergencyTag(value)).toEqual({ requestedAt: REQUESTED, boundVersionId: undefined, reason: 'secret pasted in ticket 4711' });
    });

    it('reads a bound value, and a reason that contains "version=" or "=" as text', () => {
      const value = formatEmergencyTag({ requestedAt: REQUESTED, boundVersionId: VERSION, reason: 'a=b version=c' });
      expect(value).toBe(`requested=2026-11-29T10:15:00.000Z version=${VERSION} reason=a=b version=c`);
      expect(parseEmergencyTag(value)).toEqual({ requestedAt: REQUESTED, boundVersionId: VERSION, reason: 'a=b version=c' });
    });

    it('reads a plain value (set by hand, or by an older CLI) as a reason without a time or version', () => {
      expect(parseEmergencyTag('laptop stolen')).toEqual({ reason: 'laptop stolen' });
      expect(parseEmergencyTag('')).toEqual({ reason: '' });
      expect(parseEmergencyTag('requested=yesterday reason=x')).toEqual({ reason: 'requested=yesterday reason=x' });
    });

    it('leaves the reason out when there is none', () => {
      expect(formatEmergencyTag({ requestedAt: REQUESTED, reason: '  ' })).toBe('requested=2026-11-29T10:15:00.000Z');
      expect(parseEmergencyTag('requested=2026-11-29T10:15:00.000Z')).toEqual({ requestedAt: REQUESTED, boundVersionId: undefined, reason: '' });
    });

    it('always produces a valid tag value of at most 256 characters: the reason is cleaned and shortened', () => {
      // Act
      const value = formatEmergencyTag({ requestedAt: REQUESTED, boundVersionId: VERSION, reason: `posted in #general (ticket 4711)! ${'é'.repeat(400)}` });
      // Assess
      expect(value.length).toBeLessThanOrEqual(MAX_TAG_VALUE_LENGTH);
      expect(value).toMatch(TAG_VALUE);
      expect(parseEmergencyTag(value).reason.startsWith('posted in general ticket 4711 éé')).toBe(true);
    });
  });

  describe('sanitiseTagText', () => {
    it('turns disallowed characters into spaces and collapses runs', () => {
      expect(sanitiseTagText(' a;b,,c\n(d) ')).toBe('a b c d');
    });
  });

  describe('bindEmergency', () => {
    const now = new Date('2026-11-29T11:00:00.000Z');

    it('stamps a hand-set tag with the time the rotator first acts on it, and binds it to the version', () => {
      // Act
      const value = bindEmergency('laptop stolen', VERSION, now);
      // Assess
      expect(parseEmergencyTag(value!)).toEqual({ requestedAt: now, boundVersionId: VERSION, reason: 'laptop stolen' });
    });

    it("keeps the CLI's request time and binds the request to a new version (a stale binding is replaced)", () => {
      const value = bindEmergency(`requested=2026-11-29T10:15:00.000Z version=older reason=x`, VERSION, now);
      expect(parseEmergencyTag(value!)).toEqual({ requestedAt: REQUESTED, boundVersionId: VERSION, reason: 'x' });
    });

    it('writes nothing when the request is already bound to this version (a retried createSecret)', () => {
      expect(bindEmergency(`requested=2026-11-29T10:15:00.000Z version=${VERSION} reason=x`, VERSION, now)).toBeUndefined();
    });
  });

  describe('isBoundTo / canBindVersion', () => {
    it('honours only the bound version', () => {
      const request = parseEmergencyTag(`requested=2026-11-29T10:15:00.000Z version=${VERSION}`);
      expect(isBoundTo(request, VERSION)).toBe(true);
      expect(isBoundTo(request, 'another')).toBe(false);
      expect(isBoundTo(parseEmergencyTag('leak'), VERSION)).toBe(false);
    });

    it('binds only version ids that are valid in a tag value', () => {
      expect(canBindVersion(VERSION)).toBe(true);
      expect(canBindVersion('a token with spaces and ; semicolons, thirty-two+')).toBe(false);
    });
  });

  describe('end-tokens (issue 14)', () => {
    it('writes end-tokens=true between the version and the reason, reads it back, and keeps it when binding', () => {
      // Act
      const value = formatEmergencyTag({ requestedAt: REQUESTED, reason: 'laptop stolen', endTokens: true });
      const bound = bindEmergency(value, VERSION, new Date('2026-11-29T11:00:00.000Z'));
      // Assess
      expect(value).toBe('requested=2026-11-29T10:15:00.000Z end-tokens=true reason=laptop stolen');
      expect(parseEmergencyTag(value)).toEqual({ requestedAt: REQUESTED, boundVersionId: undefined, reason: 'laptop stolen', endTokens: true });
      expect(bound).toBe(`requested=2026-11-29T10:15:00.000Z version=${VERSION} end-tokens=true reason=laptop stolen`);
      expect(parseEmergencyTag(bound!)).toMatchObject({ boundVersionId: VERSION, endTokens: true });
    });

    it('reads a hand-set end-tokens value, with or without a reason; any other plain value as before', () => {
      expect(parseEmergencyTag('end-tokens=true')).toEqual({ reason: '', endTokens: true });
      expect(parseEmergencyTag('end-tokens=true reason=laptop stolen')).toEqual({ reason: 'laptop stolen', endTokens: true });
      expect(parseEmergencyTag('end-tokens=true laptop stolen')).toEqual({ reason: 'laptop stolen', endTokens: true });
      expect(parseEmergencyTag('end-tokens=false')).toEqual({ reason: 'end-tokens=false' });
      expect(parseEmergencyTag('requested=2026-11-29T10:15:00.000Z reason=end-tokens=true')).toMatchObject({ reason: 'end-tokens=true' });
      expect(parseEmergencyTag('requested=2026-11-29T10:15:00.000Z reason=x')).not.toHaveProperty('endTokens');
    });

    it('stays within 256 characters and the tag rules with a bound version and the longest reason', () => {
      const value = formatEmergencyTag({ requestedAt: REQUESTED, boundVersionId: VERSION, reason: 'x'.repeat(400), endTokens: true });
      expect(value.length).toBe(MAX_TAG_VALUE_LENGTH);
      expect(value).toMatch(TAG_VALUE);
      expect(parseEmergencyTag(value)).toMatchObject({ endTokens: true, boundVersionId: VERSION });
    });
  });
});
