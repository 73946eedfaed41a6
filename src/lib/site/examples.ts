// The built-in example prompts: each chosen to show how models differ (reasoning, code, tables, tools, long input).
import type { Example } from './site-file.ts';

const REPORT = `Quarterly operations report, Harbor Street bakery cooperative.

Sales rose 14% on the quarter, led by the new rye loaf (2,300 sold) and weekday sandwich orders from two nearby offices. Saturday sales fell 6% during the six weeks of road works on Harbor Street, and recovered in the last two weeks once the road reopened.

Costs: flour rose 9% after the mill's price change in the second month; butter was flat; energy fell 11% thanks to the oven schedule that bakes bread and pastry in one heating cycle. Wages rose 4% as agreed last year. Packaging costs rose 20% because the cooperative moved to compostable bags; members voted for this and accepted the cost.

Staff: one baker retired after 22 years; a new apprentice started in the first month and now runs the early shift twice a week. Sick days fell from 19 to 7. Two members asked for a four-day week; the board will bring a proposal to the next general meeting.

Equipment: the second mixer failed twice and was repaired; the technician advises replacing it within a year (estimate 8,500). The walk-in fridge passed its inspection.

Customers: 41 comments came in through the new card on the counter. Most praise the rye loaf and the staff; nine ask for earlier opening on Saturdays, six for more gluten-free choices, four complain about queues at lunchtime.

Outlook: the board expects flour prices to stay high, plans a trial of Saturday opening at 7:00 instead of 8:00, and will price a second till for the lunch hour. Cash reserves cover about three months of costs.`;

export const BUILT_IN_EXAMPLES: Example[] = [
  {
    title: 'A reasoning puzzle',
    prompt:
      'Three boxes are labelled "apples", "oranges" and "apples and oranges". Every label is wrong. You may take one fruit from one box, without looking inside. Which box do you pick from, and how do you then label all three correctly? Explain step by step.',
  },
  {
    title: 'Write code',
    prompt: 'Write a TypeScript function that merges overlapping time intervals ([start, end] pairs, unsorted), with a few test cases. Keep it short and explain its complexity.',
  },
  {
    title: 'A table',
    prompt: 'Compare HTTP/1.1, HTTP/2 and HTTP/3 in a markdown table: transport, multiplexing, head-of-line blocking, header compression, and connection setup time.',
  },
  {
    title: 'A tool task',
    prompt:
      'You can call a tool get_weather(city) that returns the current temperature in °C. Plan a day out: decide which of Lisbon, Oslo and Vienna to visit today based on the warmest weather. Show the tool calls you would make, in order, then your choice.',
  },
  { title: 'Summarize a long document', prompt: `Summarize this report in five bullet points, then list the three decisions the board must make.\n\n${REPORT}` },
];
