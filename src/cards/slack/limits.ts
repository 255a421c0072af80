/**
 * Slack Block Kit limits we render against (see docs/ENGINEERING.md, "Platform facts").
 * Lengths are compared with String#length (UTF-16 code units), which is never smaller than
 * Slack's own character count, so staying under these is always safe.
 */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  contextText: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 75,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  placeholder: 150,
  plainTextInput: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  fieldError: 150,
} as const;
