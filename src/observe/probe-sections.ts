/** Non-empty lines of a probe section's text (the probe's output is cut into sections by ProbeReader). */
export function sectionLines(body: string): string[] {
  return body.split('\n').filter((line) => line.trim() !== '');
}
