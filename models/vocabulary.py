"""Canonical vocabularies of the record (shared/spec/vocabulary.md); ids are fixed by the spec."""

from enum import StrEnum


class DocType(StrEnum):
    MLA_REQUEST = "mla_request"
    EIO = "eio"
    EXTRADITION_REQUEST = "extradition_request"
    PROVISIONAL_ARREST_REQUEST = "provisional_arrest_request"
    SERVICE_OF_DOCUMENTS = "service_of_documents"
    OTHER = "other"


class Offence(StrEnum):
    PARTICIPATION_IN_CRIMINAL_ORGANISATION = "participation_in_criminal_organisation"
    TERRORISM = "terrorism"
    TRAFFICKING_IN_HUMAN_BEINGS = "trafficking_in_human_beings"
    SEXUAL_EXPLOITATION_OF_CHILDREN = "sexual_exploitation_of_children"
    DRUG_TRAFFICKING = "drug_trafficking"
    ARMS_TRAFFICKING = "arms_trafficking"
    CORRUPTION = "corruption"
    FRAUD = "fraud"
    MONEY_LAUNDERING = "money_laundering"
    COUNTERFEITING_CURRENCY = "counterfeiting_currency"
    CYBERCRIME = "cybercrime"
    ENVIRONMENTAL_CRIME = "environmental_crime"
    FACILITATION_OF_UNAUTHORISED_ENTRY = "facilitation_of_unauthorised_entry"
    MURDER_OR_GRIEVOUS_BODILY_INJURY = "murder_or_grievous_bodily_injury"
    TRAFFICKING_IN_HUMAN_ORGANS = "trafficking_in_human_organs"
    KIDNAPPING_OR_HOSTAGE_TAKING = "kidnapping_or_hostage_taking"
    RACISM_AND_XENOPHOBIA = "racism_and_xenophobia"
    ORGANISED_OR_ARMED_ROBBERY = "organised_or_armed_robbery"
    TRAFFICKING_IN_CULTURAL_GOODS = "trafficking_in_cultural_goods"
    SWINDLING = "swindling"
    RACKETEERING_AND_EXTORTION = "racketeering_and_extortion"
    COUNTERFEITING_AND_PIRACY_OF_PRODUCTS = "counterfeiting_and_piracy_of_products"
    FORGERY_OF_ADMINISTRATIVE_DOCUMENTS = "forgery_of_administrative_documents"
    FORGERY_OF_MEANS_OF_PAYMENT = "forgery_of_means_of_payment"
    TRAFFICKING_IN_HORMONAL_SUBSTANCES = "trafficking_in_hormonal_substances"
    TRAFFICKING_IN_NUCLEAR_MATERIALS = "trafficking_in_nuclear_materials"
    TRAFFICKING_IN_STOLEN_VEHICLES = "trafficking_in_stolen_vehicles"
    RAPE = "rape"
    ARSON = "arson"
    CRIMES_WITHIN_ICC_JURISDICTION = "crimes_within_icc_jurisdiction"
    UNLAWFUL_SEIZURE_OF_AIRCRAFT_OR_SHIPS = "unlawful_seizure_of_aircraft_or_ships"
    SABOTAGE = "sabotage"
    TAX_EVASION = "tax_evasion"
    THEFT = "theft"
    OTHER = "other"


class Measure(StrEnum):
    HEARING_OF_WITNESS = "hearing_of_witness"
    HEARING_OF_SUSPECT = "hearing_of_suspect"
    VIDEOCONFERENCE_HEARING = "videoconference_hearing"
    SEARCH_AND_SEIZURE = "search_and_seizure"
    BANK_INFORMATION = "bank_information"
    BANKING_TRANSACTIONS_MONITORING = "banking_transactions_monitoring"
    SUBSCRIBER_INFORMATION = "subscriber_information"
    TRAFFIC_DATA = "traffic_data"
    INTERCEPTION_OF_TELECOMMUNICATIONS = "interception_of_telecommunications"
    PRESERVATION_OF_DATA = "preservation_of_data"
    FREEZING_OF_ASSETS = "freezing_of_assets"
    CONFISCATION = "confiscation"
    SERVICE_OF_DOCUMENTS = "service_of_documents"
    OBTAINING_DOCUMENTS = "obtaining_documents"
    IDENTIFICATION_OF_PERSONS = "identification_of_persons"
    TEMPORARY_TRANSFER_OF_DETAINED_PERSON = "temporary_transfer_of_detained_person"
    PROVISIONAL_ARREST = "provisional_arrest"
    EXTRADITION = "extradition"
    CONTROLLED_DELIVERY = "controlled_delivery"
    JOINT_INVESTIGATION_TEAM = "joint_investigation_team"
    OTHER = "other"


class LegalBasis(StrEnum):
    MLA_CONVENTION_1959 = "mla_convention_1959"
    MLA_CONVENTION_1959_SECOND_PROTOCOL_2001 = "mla_convention_1959_second_protocol_2001"
    EU_MLA_CONVENTION_2000 = "eu_mla_convention_2000"
    EIO_DIRECTIVE_2014_41 = "eio_directive_2014_41"
    EXTRADITION_CONVENTION_1957 = "extradition_convention_1957"
    EAW_FRAMEWORK_DECISION_2002_584 = "eaw_framework_decision_2002_584"
    BUDAPEST_CONVENTION_2001 = "budapest_convention_2001"
    UNTOC_2000 = "untoc_2000"
    UNCAC_2003 = "uncac_2003"
    VIENNA_DRUG_CONVENTION_1988 = "vienna_drug_convention_1988"
    SCHENGEN_CONVENTION_1990 = "schengen_convention_1990"
    BILATERAL_TREATY = "bilateral_treaty"
    RECIPROCITY = "reciprocity"
    DOMESTIC_LAW = "domestic_law"


class PartyRole(StrEnum):
    SUSPECT = "suspect"
    WITNESS = "witness"
    VICTIM = "victim"
    OTHER = "other"


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class IdentifierKind(StrEnum):
    IBAN = "iban"
    PHONE = "phone"
    EMAIL = "email"
    IP_ADDRESS = "ip_address"
    CRYPTO_WALLET = "crypto_wallet"
    PASSPORT = "passport"
    CASE_REFERENCE = "case_reference"
    VEHICLE_PLATE = "vehicle_plate"
