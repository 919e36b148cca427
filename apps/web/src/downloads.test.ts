import { describe, expect, it } from 'vitest';

import { csvField, labelsCsv } from './downloads.js';

describe('labelsCsv', () => {
  const labels = Int32Array.from([1, 0, 2]);
  const initLabels = Int32Array.from([0, 0, 1]);

  it('writes one row per sample', () => {
    expect(labelsCsv(labels, initLabels)).toBe(
      'index,label,init_label\n0,1,0\n1,0,0\n2,2,1\n',
    );
  });

  it('adds the class text', () => {
    const classes = {
      classes: Int32Array.from([1, 0, 1]),
      classNames: ['cat', 'dog, large'],
    };
    expect(labelsCsv(labels, initLabels, classes)).toBe(
      'index,label,init_label,class\n' +
        '0,1,0,"dog, large"\n1,0,0,cat\n2,2,1,"dog, large"\n',
    );
  });
});

describe('csvField', () => {
  it('quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a "b"')).toBe('"a ""b"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
