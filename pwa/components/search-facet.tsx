/** One facet as checkboxes with their counts; several ticked are any of them. */
export function Facet({
  name,
  legend,
  counts,
  ticked,
  label,
}: {
  name: string;
  legend: string;
  counts: Record<string, number>;
  ticked: string[];
  label: (value: string) => string;
}) {
  // A ticked value the answer no longer counts stays, so it can be unticked.
  const values = [...Object.keys(counts), ...ticked.filter((v) => !(v in counts))];
  if (values.length === 0) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      {values.map((value) => (
        <label key={value} className="check">
          <input type="checkbox" name={name} value={value} defaultChecked={ticked.includes(value)} />
          {label(value)} <span className="count">({counts[value] ?? 0})</span>
        </label>
      ))}
    </fieldset>
  );
}
