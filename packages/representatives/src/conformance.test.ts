import { listRepresentativeTypes } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { describeRepresentativeConformance } from './conformance/index.js';
import {
  BUILT_IN_REPRESENTATIVE_TYPES,
  isDescribedRepresentativeType,
  registerBuiltInRepresentatives,
} from './index.js';

/** Option sets each built-in type is checked with, besides the defaults. */
const optionSets: Record<string, Readonly<Record<string, unknown>>[]> = {
  vertex: [{}, { scale: 2.5 }],
  simplex: [{}, { radius: 0.5 }],
  orthogonal: [{}, { rotate: true }, { radius: 3, rotate: true }],
  sphere: [{}, { iterations: 0 }, { radius: 2, iterations: 50 }],
};

for (const type of BUILT_IN_REPRESENTATIVE_TYPES) {
  describeRepresentativeConformance(type, {
    optionSets: optionSets[type.name],
  });
}

describe('built-in representative types', () => {
  it('all have option sets in this suite', () => {
    const names = BUILT_IN_REPRESENTATIVE_TYPES.map((type) => type.name);
    expect(names.sort()).toEqual(Object.keys(optionSets).sort());
  });

  it('are all registered and described', () => {
    registerBuiltInRepresentatives();
    const registered = listRepresentativeTypes();
    for (const type of BUILT_IN_REPRESENTATIVE_TYPES) {
      expect(registered).toContain(type);
      expect(isDescribedRepresentativeType(type), type.name).toBe(true);
    }
  });

  it('have case names without a plus sign', ({ task }) => {
    const names = task.file.tasks.flatMap((suite) =>
      suite.type === 'suite' ? suite.tasks.map((test) => test.name) : [],
    );
    expect(names).toContain('rejects k = 2, d = 0');
    expect(names.filter((name) => name.includes('+'))).toEqual([]);
  });
});
