import { InvalidDataError, InvalidParameterError } from '@fixclust/core';
import { describe, expect, it } from 'vitest';

import { parseCsvTable, readTable } from './csv.js';
import { sampleBlobsCsv } from './sample.js';

describe('parseCsvTable', () => {
  it('detects a header row', () => {
    const table = parseCsvTable('a,b,class\n1,2,x\n3,4,y\n', 'f.csv');
    expect(table.hasHeader).toBe(true);
    expect(table.columns).toEqual(['a', 'b', 'class']);
    expect(table.rows).toEqual([
      ['1', '2', 'x'],
      ['3', '4', 'y'],
    ]);
  });

  it('names columns without a header', () => {
    const table = parseCsvTable('1,2\n3,4\n', 'f.csv');
    expect(table.hasHeader).toBe(false);
    expect(table.columns).toEqual(['column 1', 'column 2']);
    expect(table.rows).toHaveLength(2);
  });

  it('detects semicolons and tabs', () => {
    expect(parseCsvTable('1;2\n3;4\n', 'f.csv').columns).toHaveLength(2);
    expect(parseCsvTable('1\t2\t5\n3\t4\t6\n', 'f.tsv').columns).toHaveLength(
      3,
    );
  });

  it('reads quoted fields and CRLF', () => {
    const table = parseCsvTable('x,"a, b"\r\n1,"q ""r"""\r\n', 'f.csv');
    expect(table.columns).toEqual(['x', 'a, b']);
    expect(table.rows).toEqual([['1', 'q "r"']]);
  });

  it('skips blank lines and trims cells', () => {
    const table = parseCsvTable('x, y\n\n 1 , 2\n\n', 'f.csv');
    expect(table.columns).toEqual(['x', 'y']);
    expect(table.rows).toEqual([['1', '2']]);
  });

  it('rejects empty text', () => {
    expect(() => parseCsvTable('\n\n', 'f.csv')).toThrow(InvalidDataError);
    expect(() => parseCsvTable('', 'f.csv')).toThrow(/f\.csv has no rows/);
  });

  it('rejects a header without rows', () => {
    expect(() => parseCsvTable('a,b\n', 'f.csv')).toThrow(/no data rows/);
  });

  it('rejects ragged rows', () => {
    expect(() => parseCsvTable('1,2\n3\n', 'f.csv')).toThrow(
      /line 2 of the non-empty lines has 1 fields, but the first has 2/,
    );
  });

  it('rejects an unclosed quote', () => {
    expect(() => parseCsvTable('a,b\n1,"2\n', 'f.csv')).toThrow(
      InvalidDataError,
    );
  });
});

describe('readTable', () => {
  const table = parseCsvTable(
    'x,y,class\n1.5,-2e1,b\n3,4,a\n5,.5,b\n',
    'f.csv',
  );

  it('reads features around the label column', () => {
    const data = readTable(table, 2);
    expect(data.nSamples).toBe(3);
    expect(data.nFeatures).toBe(2);
    expect(data.featureNames).toEqual(['x', 'y']);
    expect(Array.from(data.x)).toEqual([1.5, -20, 3, 4, 5, 0.5]);
  });

  it('reads features without labels', () => {
    const numeric = parseCsvTable('1,2\n3,4\n', 'f.csv');
    const data = readTable(numeric, null);
    expect(Array.from(data.x)).toEqual([1, 2, 3, 4]);
    expect(data.classes).toBeUndefined();
    expect(data.classNames).toBeUndefined();
  });

  it('numbers classes in sorted order', () => {
    const data = readTable(table, 2);
    expect(data.classNames).toEqual(['a', 'b']);
    expect(Array.from(data.classes!)).toEqual([1, 0, 1]);
  });

  it('sorts numeric classes by value', () => {
    const numeric = parseCsvTable('x,c\n1,10\n2,9\n3,10\n', 'f.csv');
    expect(readTable(numeric, 1).classNames).toEqual(['9', '10']);
  });

  it('uses any column as the label column', () => {
    const numeric = parseCsvTable('c,x\n1,2\n3,4\n', 'f.csv');
    const data = readTable(numeric, 0);
    expect(data.featureNames).toEqual(['x']);
    expect(Array.from(data.x)).toEqual([2, 4]);
    expect(data.classNames).toEqual(['1', '3']);
  });

  it('names the cell that is not a number', () => {
    expect(() => readTable(table, null)).toThrow(
      'f.csv: row 2, column "class" is "b", not a finite float32 number',
    );
  });

  it('rejects empty and non-finite cells', () => {
    const empty = parseCsvTable('x,y\n1,\n', 'f.csv');
    expect(() => readTable(empty, null)).toThrow(/column "y" is empty/);
    const huge = parseCsvTable('x\n1e39\n', 'f.csv');
    expect(() => readTable(huge, null)).toThrow(/"1e39"/);
    const nan = parseCsvTable('x,y\n1,NaN\n', 'f.csv');
    expect(() => readTable(nan, null)).toThrow(/"NaN"/);
  });

  it('rejects an empty label cell', () => {
    const missing = parseCsvTable('x,c\n1,a\n2,\n', 'f.csv');
    expect(() => readTable(missing, 1)).toThrow(
      /row 3, label column "c" is empty/,
    );
  });

  it('rejects a label column out of range', () => {
    expect(() => readTable(table, 3)).toThrow(InvalidParameterError);
    expect(() => readTable(table, -1)).toThrow(InvalidParameterError);
  });

  it('rejects a table of only the label column', () => {
    const single = parseCsvTable('c\na\nb\n', 'f.csv');
    expect(() => readTable(single, 0)).toThrow(/no feature column/);
  });
});

describe('sampleBlobsCsv', () => {
  it('parses to labelled blobs', () => {
    const table = parseCsvTable(sampleBlobsCsv(), 'blobs.csv');
    const data = readTable(table, 2);
    expect(data.nSamples).toBe(300);
    expect(data.nFeatures).toBe(2);
    expect(data.classNames).toEqual(['blob-1', 'blob-2', 'blob-3']);
    expect(Array.from(data.classes!.slice(0, 4))).toEqual([0, 1, 2, 0]);
  });

  it('puts rows near their centre', () => {
    const data = readTable(parseCsvTable(sampleBlobsCsv(), 'b.csv'), 2);
    for (let i = 0; i < data.nSamples; i++) {
      const angle = (2 * Math.PI * data.classes![i]!) / 3;
      const dx = data.x[2 * i]! - 4 * Math.cos(angle);
      const dy = data.x[2 * i + 1]! - 4 * Math.sin(angle);
      expect(Math.hypot(dx, dy)).toBeLessThan(3);
    }
  });

  it('depends on the seed only', () => {
    expect(sampleBlobsCsv({ seed: 2 })).toBe(sampleBlobsCsv({ seed: 2 }));
    expect(sampleBlobsCsv({ seed: 2 })).not.toBe(sampleBlobsCsv());
  });
});
