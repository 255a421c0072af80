import { SLACK_LIMITS as L } from './limits';
import { oneLine, plainText } from './text';

/**
 * Options for a block_suggestion (external select) response: at most 100, labels cut to 75,
 * duplicates by value removed. A value over 75 chars is a programming error (values are ids).
 */
export function renderOptions(items: Array<{ label: string; value: string }>): { options: any[] } {
  const seen = new Set<string>();
  const options: any[] = [];
  for (const item of items) {
    if (item.value.length > L.optionValue) {
      throw new Error(`Option value is ${item.value.length} chars (Slack max ${L.optionValue}): use an id`);
    }
    if (seen.has(item.value)) continue;
    seen.add(item.value);
    options.push({ text: plainText(oneLine(item.label) || item.value, L.optionText), value: item.value });
    if (options.length === L.selectOptions) break;
  }
  return { options };
}
