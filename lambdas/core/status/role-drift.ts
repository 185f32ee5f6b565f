/**
 * The two clients of an alternating pair must grant the same access (DESIGN.md §2): every rotation
 * swaps which one consumers use, so a role or division on one only would appear and vanish with
 * each rotation. Compares the role grants of both clients as sets.
 */
import type { OAuthClientInfo } from '../genesys/types';

export interface RoleDrift {
  readonly identical: boolean;
  /** `roleId@divisionId` (or `roleId` for a grant without division) held by the first client only. */
  readonly onlyFirst: readonly string[];
  readonly onlySecond: readonly string[];
}

/** Grants as `roleId@divisionId`; `roleIds` (deprecated) count as grants without a division. */
export function roleGrants(client: Pick<OAuthClientInfo, 'roleIds' | 'roleDivisions'>): Set<string> {
  const grants = new Set<string>();
  for (const grant of client.roleDivisions) grants.add(`${grant.roleId}@${grant.divisionId}`);
  const withDivision = new Set(client.roleDivisions.map((grant) => grant.roleId));
  for (const roleId of client.roleIds) if (!withDivision.has(roleId)) grants.add(roleId);
  return grants;
}

export function compareRoles(
  first: Pick<OAuthClientInfo, 'roleIds' | 'roleDivisions'>,
  second: Pick<OAuthClientInfo, 'roleIds' | 'roleDivisions'>,
): RoleDrift {
  const a = roleGrants(first);
  const b = roleGrants(second);
  const onlyFirst = [...a].filter((grant) => !b.has(grant)).sort();
  const onlySecond = [...b].filter((grant) => !a.has(grant)).sort();
  return { identical: onlyFirst.length === 0 && onlySecond.length === 0, onlyFirst, onlySecond };
}
