import { describe, expect, it } from 'vitest';

import { compareCodePoints, tokenize } from './tokenize.js';

// Expected tokens are the output of Python 3.11's
// re.findall(r'(?u)\b\w\w+\b', text.lower()), scikit-learn's default.
const CASES: [string, string, string[]][] = [
  [
    'accented words',
    'Café crème brûlée à Zürich',
    ['café', 'crème', 'brûlée', 'zürich'],
  ],
  ['digits', 'In 1993, 2 of 10 won 3-0', ['in', '1993', 'of', '10', 'won']],
  [
    'underscores',
    'snake_case __init__ _ a_ _b',
    ['snake_case', '__init__', 'a_', '_b'],
  ],
  ['one-character words', 'a b c I x y', []],
  [
    'punctuation',
    "don't e-mail foo@bar.com (ok)!",
    ['don', 'mail', 'foo', 'bar', 'com', 'ok'],
  ],
  [
    'Greek with final sigma',
    'Η Ελληνική γλώσσα ΟΔΟΣ',
    ['ελληνική', 'γλώσσα', 'οδος'],
  ],
  ['Cyrillic', 'Привет, мир! Я', ['привет', 'мир']],
  ['CJK', '中文 字 東京タワー', ['中文', '東京タワー']],
  ['Arabic', 'مرحبا بالعالم و', ['مرحبا', 'بالعالم']],
  ['Arabic with vowel marks', 'كَتَبَ', []],
  ['Devanagari vowel signs', 'हिन्दी', []],
  ['superscripts and fractions', 'x² m³ ½ ½½ 10½', ['x²', 'm³', '½½', '10½']],
  ['Roman numeral characters', 'Ⅻ ⅻ', []],
  ['Arabic-Indic digits', '٣٤ ۵۶', ['٣٤', '۵۶']],
  ['combining accent', 'cafe\u0301 cafe', ['cafe', 'cafe']],
  ['characters above U+FFFF', '𝔘𝔫𝔦 𝔘 x', ['𝔘𝔫𝔦']],
  ['dotted capital I', 'İstanbul', ['stanbul']],
  ['title-case digraph', 'ǅemal', ['ǆemal']],
  ['empty text', '', []],
];

// Characters U+0000 to U+00FF that Python 3.11's \w matches.
const LATIN1_WORD_CHARACTERS =
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz' +
  'ª²³µ¹º¼½¾ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ';

describe('tokenize', () => {
  it.each(CASES)('splits %s', (_, text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('keeps case when asked', () => {
    expect(tokenize('HELLO World', { lowercase: false })).toEqual([
      'HELLO',
      'World',
    ]);
  });

  it('lowercases by default', () => {
    expect(tokenize('HELLO World')).toEqual(['hello', 'world']);
  });

  it('finds the word characters of latin-1 that Python finds', () => {
    const found: string[] = [];
    for (let code = 0; code < 256; code++) {
      const character = String.fromCharCode(code);
      const doubled = character + character;
      if (tokenize(doubled, { lowercase: false })[0] === doubled) {
        found.push(character);
      }
    }
    expect(found.join('')).toBe(LATIN1_WORD_CHARACTERS);
  });
});

describe('compareCodePoints', () => {
  it('sorts as Python sorts strings', () => {
    const sorted = ['b', 'a', '\uffff', '\u{10000}', 'ab', '\ue000', 'z'].sort(
      compareCodePoints,
    );
    expect(sorted).toEqual([
      'a',
      'ab',
      'b',
      'z',
      '\ue000',
      '\uffff',
      '\u{10000}',
    ]);
  });

  it('differs from code unit order above U+FFFF', () => {
    expect('\u{10000}' < '\uffff').toBe(true);
    expect(compareCodePoints('\u{10000}', '\uffff')).toBeGreaterThan(0);
  });

  it('returns 0 for equal strings', () => {
    expect(compareCodePoints('abc', 'abc')).toBe(0);
  });
});
