/**
 * Public surface of analytics/staffing: Erlang C and a workload model turning forecast incidents
 * per hour into officers needed, under declared assumptions (models/staffing/). See README.md.
 */
export { agentsNeeded, averageWaitMinutes, erlangB, erlangC, offeredLoad, serviceLevel } from './erlang-c';
export type { AgentsNeeded, AgentsNeededInput, QueueInput } from './erlang-c';
export { checkStaffingAssumptions, meanTimeOnTask, officersNeededPerHour } from './officers';
export type { OfficersHour, OfficersOptions, OfficersPlan, StaffingAssumptions } from './officers';
export { UNCATEGORISED, categoryProfile, minutesByHourOfWeek, resolveTimeOnTask } from './time-on-task';
export type { CategoryProfile, CategoryRecords, CategoryTime, StaffingTable, TimeSource } from './time-on-task';
export { staffingForecastBasis, staffingRange } from './forecast-basis';
export type { StaffedHours, StaffingRange } from './forecast-basis';
