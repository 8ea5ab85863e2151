/** Public surface of analytics/explore/map: what the Map view draws, classes and exports. */
export * from './geometry';
export * from './layer';
export * from './legend';
export * from './gi-star';
export * from './gi-star-data';
export * from './force-outline';
export { studyRegion, type StudyRegion } from '../study-region';
