import { describe, expect, it } from 'vitest';
import { goStruct } from '../../../shared/cli/gofmt.ts';
import { HEADER_FUNCS } from '../../../shared/cli/template-funcs.ts';
import { TemplateError, parseTemplate, renderTemplate } from '../../../shared/cli/template.ts';

// Behaviour beyond the Go-checked golden table: the JavaScript-facing options.
describe('template options', () => {
  it('takes extra functions, and plain functions take any arguments', () => {
    const out = renderTemplate('{{shout .Name "!"}} {{upper .Name}}', { Name: 'web' }, {
      funcs: { shout: (s: string, end: string) => s.toUpperCase() + end, upper: (s: string) => `<${s}>` },
    });
    expect(out).toBe('WEB! <web>');
  });

  it('can leave docker functions out', () => {
    expect(() => renderTemplate('{{json .}}', {}, { dockerFuncs: false })).toThrow(new TemplateError('template: :1: function "json" not defined'));
  });

  it('replaces functions for one execution, as docker does for table headers', () => {
    const t = parseTemplate('{{upper .ID}}|{{truncate .Name 2}}');
    expect(t.execute({ ID: 'abc', Name: 'long' })).toBe('ABC|lo');
    expect(t.execute({ ID: 'IMAGE ID', Name: 'NAME' }, { funcs: HEADER_FUNCS })).toBe('IMAGE ID|NAME');
  });

  it('calls methods and getters of objects', () => {
    class Row {
      constructor(private readonly n: number) {}
      get Double(): number {
        return this.n * 2;
      }
      Add(k: number): number {
        return this.n + k;
      }
      Fail(): never {
        throw new Error('broken');
      }
    }
    expect(renderTemplate('{{.Double}} {{.Add 5}} {{3 | .Add}}', new Row(10))).toBe('20 15 13');
    expect(() => renderTemplate('{{.Fail}}', new Row(1))).toThrow('template: :1:2: executing "" at <.Fail>: error calling Fail: broken');
    // Object.prototype members are not fields
    expect(renderTemplate('{{.constructor}}|{{.toString}}', {})).toBe('<no value>|<no value>');
  });

  it('treats structs as Go does: unknown fields are errors, a struct is always true', () => {
    const s = goStruct('types.Thing', { A: 1 });
    expect(renderTemplate('{{if .}}yes{{end}} {{.A}}', s)).toBe('yes 1');
    expect(() => renderTemplate('{{.B}}', s)).toThrow(new TemplateError('template: :1:2: executing "" at <.B>: can\'t evaluate field B in type types.Thing'));
  });

  it('with missingkey=error, a missing parent is an error too', () => {
    expect(() => renderTemplate('{{.A.B}}', {}, { missingKey: 'error' })).toThrow('map has no entry for key "A"');
    expect(() => renderTemplate('{{.A.B}}', { A: undefined }, { missingKey: 'error' })).toThrow('nil data; no entry for key "B"');
  });

  it('keeps what was written before an execution error', () => {
    try {
      renderTemplate('a{{.X}}b{{index .X 9}}c', { X: [1] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).output).toBe('a[1]b');
    }
  });

  it('says which actions it does not support', () => {
    expect(() => renderTemplate('{{define "x"}}{{end}}', {})).toThrow('template: :1: {{define}} is not supported');
    expect(() => renderTemplate('{{template "x"}}', {})).toThrow('template: :1: {{template}} is not supported');
  });

  it('reports the line and column of an execution error', () => {
    expect(() => renderTemplate('line one\n  {{.A.B}}', { A: 'x' })).toThrow(
      'template: :2:6: executing "" at <.A.B>: can\'t evaluate field B in type string',
    );
  });
});
