/** Area boundaries of the user's own (wards, beats, neighbourhoods, districts): readers, fields, the boundary rule. */
export {
	GEOPACKAGE_MESSAGE,
	boundaryFormat,
	dbfEncoding,
	readBoundaryFiles,
	readBoundaryText,
	readGeoJson,
	readKml,
	readShapefile,
	type BoundaryArea,
	type BoundaryFileInput,
	type BoundaryFormat,
	type BoundaryOptions,
	type BoundarySet,
	type ShapefileParts
} from './read';
export { ID_PROPERTIES, NAME_PROPERTIES, detectIdField, detectNameField, fieldCandidates, labelFromField, type FieldCandidate } from './fields';
export { COORDINATE_DECIMALS, EARTH_RADIUS_KM, areaMeasures, dedupeRing, dissolveParts, polygonsOf, roundPosition, windForD3 } from './geometry';
export { BOUNDARY_RULE, BOUNDARY_TOLERANCE_DEGREES, locatePoints, onBoundary, type LocatableArea } from './locate';
export { NO_LOCATION_REASON, OUTSIDE_AREAS_COLUMNS, OUTSIDE_AREAS_FILE, OUTSIDE_LISTED, OUTSIDE_REASON, areaPlacementCounts, SWAP_CHECKED, areaSetAccount, recordsInNoArea, swappedAxesCheck, swappedAxesMessage, type AreaPlacementCounts, type SwappedAxesFinding, type AreaPlacementSource, type OutsideRecord } from './placement';
