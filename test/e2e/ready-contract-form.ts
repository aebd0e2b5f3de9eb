/**
 * A contract-only form Minnesota's demo analyst can submit as is, for the end-to-end tests that
 * create a package through the API rather than the form.
 */
export function readyContractOnlyForm(pmap: string) {
  return {
    submissionType: 'CONTRACT_ONLY',
    programIds: [pmap],
    contractType: 'BASE',
    contractDateStart: '2027-01-01',
    contractDateEnd: '2027-12-31',
    managedCareEntities: ['MCO'],
    federalAuthorities: ['STATE_PLAN'],
    populationCovered: 'MEDICAID',
    riskBasedContract: true,
    contractExecutionStatus: 'EXECUTED',
    dsnpContract: false,
    submissionDescription: 'Calendar year 2027 PMAP base contract',
    stateContacts: [{ name: 'Mina Nelson', title: 'Lead', email: 'mina.nelson@mn.example.gov' }],
  };
}
