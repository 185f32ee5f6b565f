import { compareRoles } from '../../../lambdas/core/status/role-drift';

describe('compareRoles', () => {
  it('finds two clients identical when they hold the same grants in another order', () => {
    const a = { roleIds: ['r1', 'r2'], roleDivisions: [{ roleId: 'r1', divisionId: 'd1' }, { roleId: 'r2', divisionId: 'd1' }] };
    const b = { roleIds: ['r2', 'r1'], roleDivisions: [{ roleId: 'r2', divisionId: 'd1' }, { roleId: 'r1', divisionId: 'd1' }] };
    expect(compareRoles(a, b)).toEqual({ identical: true, onlyFirst: [], onlySecond: [] });
  });

  it('reports a role held in another division as drift on both sides', () => {
    const a = { roleIds: ['r1'], roleDivisions: [{ roleId: 'r1', divisionId: 'd1' }] };
    const b = { roleIds: ['r1'], roleDivisions: [{ roleId: 'r1', divisionId: 'd2' }] };
    expect(compareRoles(a, b)).toEqual({ identical: false, onlyFirst: ['r1@d1'], onlySecond: ['r1@d2'] });
  });

  it('counts a role listed only in the deprecated roleIds as a grant', () => {
    const a = { roleIds: ['r1', 'legacy'], roleDivisions: [{ roleId: 'r1', divisionId: 'd1' }] };
    const b = { roleIds: ['r1'], roleDivisions: [{ roleId: 'r1', divisionId: 'd1' }] };
    expect(compareRoles(a, b)).toEqual({ identical: false, onlyFirst: ['legacy'], onlySecond: [] });
  });
});
