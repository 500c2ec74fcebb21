import { escapeHtml, html, SafeHtml, trustedHtml } from '../../clients/web/html';

describe('the pages’ HTML escaper', () => {
  it('escapes every character that could open markup or leave an attribute', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q' \``)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; &#96;',
    );
  });

  it('escapes interpolated values in text and in attributes, and only those', () => {
    const summary = '<script>alert(1)</script>';
    const out = html`<p title="${'" onmouseover="x'}">${summary}</p>`;
    expect(out.value).toBe('<p title="&quot; onmouseover=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('nests templates without escaping them twice, joins arrays and drops empty values', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    // The formatter lays out html`` templates as HTML; this one's exact string is the point.
    // prettier-ignore
    expect(html`<ul>${items}</ul>${undefined}${null}${false}${0}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('treats a plain string that looks like markup as text, even from inside an array', () => {
    expect(html`${['<b>', trustedHtml('<i>')]}`.value).toBe('&lt;b&gt;<i>');
    expect(html`x`).toBeInstanceOf(SafeHtml);
  });
});
