// Code highlighting, loaded on first use so the first page stays small: highlight.js core and common languages.
import type { HLJSApi } from 'highlight.js';

let loading: Promise<HLJSApi> | null = null;

/** Loads highlight.js with the languages people ask Qwen about most; later calls share the first load. */
export function loadHighlighter(): Promise<HLJSApi> {
  loading ??= (async () => {
    const [core, ...langs] = await Promise.all([
      import('highlight.js/lib/core'),
      import('highlight.js/lib/languages/python'),
      import('highlight.js/lib/languages/javascript'),
      import('highlight.js/lib/languages/typescript'),
      import('highlight.js/lib/languages/bash'),
      import('highlight.js/lib/languages/json'),
      import('highlight.js/lib/languages/rust'),
      import('highlight.js/lib/languages/go'),
      import('highlight.js/lib/languages/cpp'),
      import('highlight.js/lib/languages/java'),
      import('highlight.js/lib/languages/sql'),
      import('highlight.js/lib/languages/yaml'),
      import('highlight.js/lib/languages/xml'),
      import('highlight.js/lib/languages/css'),
      import('highlight.js/lib/languages/markdown'),
    ]);
    const hljs = core.default;
    const names = ['python', 'javascript', 'typescript', 'bash', 'json', 'rust', 'go', 'cpp', 'java', 'sql', 'yaml', 'xml', 'css', 'markdown'];
    names.forEach((name, i) => hljs.registerLanguage(name, langs[i]!.default));
    hljs.registerAliases(['py'], { languageName: 'python' });
    hljs.registerAliases(['js', 'jsx'], { languageName: 'javascript' });
    hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
    hljs.registerAliases(['sh', 'shell', 'zsh', 'console'], { languageName: 'bash' });
    hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
    hljs.registerAliases(['c', 'c++', 'h', 'hpp'], { languageName: 'cpp' });
    hljs.registerAliases(['yml'], { languageName: 'yaml' });
    hljs.configure({ ignoreUnescapedHTML: true });
    return hljs;
  })();
  return loading;
}
