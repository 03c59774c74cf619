// Parses an iCalendar file with a real parser (ical.js, the one Mozilla Thunderbird uses), for the tests to compare
// with what the portal meant to write. Input: the path of an .ics file as the only argument. Output: one JSON object
// {"name": X-WR-CALNAME, "events": [{"uid", "summary", "description", "location", "url", "status", "dtstamp",
// "start", "end"}]} with times as ISO 8601 UTC strings; or exit code 1 with the parser's error on stderr.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

try {
  const text = readFileSync(process.argv[2], "utf8");
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      url: vevent.getFirstPropertyValue("url"),
      status: vevent.getFirstPropertyValue("status"),
      dtstamp: vevent.getFirstPropertyValue("dtstamp")?.toJSDate().toISOString(),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
    };
  });
  process.stdout.write(JSON.stringify({ name: calendar.getFirstPropertyValue("x-wr-calname"), version: calendar.getFirstPropertyValue("version"), events }));
} catch (error) {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
}
